import QRCode from 'qrcode';
import { type SafeHtml, raw } from '../../../html/safe-html';

/** The enrolment URI as an inline SVG QR code (no image request, nothing leaves the page). */
export async function qrSvg(text: string): Promise<SafeHtml> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 220 });
  return raw(svg);
}
