/** The sixteen DTMF keys and their (low, high) frequency pairs from ITU-T Q.23. */
export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

export const DTMF_LOW_HZ = [697, 770, 852, 941] as const;
export const DTMF_HIGH_HZ = [1209, 1336, 1477, 1633] as const;

/** Keypad layout: row = low tone, column = high tone. */
const KEYPAD: readonly (readonly DtmfDigit[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

export function digitAt(lowIndex: number, highIndex: number): DtmfDigit | undefined {
  return KEYPAD[lowIndex]?.[highIndex];
}

export function isDtmfDigit(value: string): value is DtmfDigit {
  return value.length === 1 && KEYPAD.some((row) => row.includes(value as DtmfDigit));
}

export function frequenciesOf(digit: DtmfDigit): { lowHz: number; highHz: number } {
  for (let row = 0; row < KEYPAD.length; row++) {
    const col = KEYPAD[row]?.indexOf(digit) ?? -1;
    if (col >= 0) return { lowHz: DTMF_LOW_HZ[row] ?? 0, highHz: DTMF_HIGH_HZ[col] ?? 0 };
  }
  throw new RangeError(`not a DTMF digit: ${digit}`);
}
