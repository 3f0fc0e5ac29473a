/** Mutations of real messages for the SIP/RTP parser fuzz tests (deterministic with a seeded random source). */

const INTERESTING = [
  '\r\n',
  '\r\n\r\n',
  ':',
  ';',
  ',',
  '<',
  '>',
  '"',
  '=',
  ' ',
  '\t',
  '\0',
  'Content-Length: 99999',
  'SIP/2.0',
  '\u00ff',
  '%00',
];

/** One random mutation of `input`: flip, insert, delete, truncate, duplicate a slice, or splice in a SIP-ish token. */
export function mutate(input: Buffer, rand: () => number): Buffer {
  const pick = (n: number) => Math.floor(rand() * n);
  const buf = Buffer.from(input);
  switch (pick(7)) {
    case 0: {
      for (let i = 0, n = 1 + pick(8); i < n && buf.length > 0; i++) buf[pick(buf.length)] = pick(256);
      return buf;
    }
    case 1: {
      const at = pick(buf.length + 1);
      const junk = Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256)));
      return Buffer.concat([buf.subarray(0, at), junk, buf.subarray(at)]);
    }
    case 2: {
      const at = pick(buf.length + 1);
      return Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1 + pick(32))]);
    }
    case 3:
      return buf.subarray(0, pick(buf.length + 1));
    case 4: {
      const from = pick(buf.length + 1);
      const slice = buf.subarray(from, from + pick(200));
      const at = pick(buf.length + 1);
      return Buffer.concat([buf.subarray(0, at), slice, slice, buf.subarray(at)]);
    }
    case 5: {
      const at = pick(buf.length + 1);
      return Buffer.concat([buf.subarray(0, at), Buffer.from(INTERESTING[pick(INTERESTING.length)]!, 'latin1'), buf.subarray(at)]);
    }
    default:
      return Buffer.from(Array.from({ length: pick(300) }, () => pick(256)));
  }
}
