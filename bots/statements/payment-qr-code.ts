import QRCode from 'qrcode';

/**
 * The QR symbol for an NBU payment link, as a matrix of dark modules. The NBU's rules ask for version 10 to 20
 * and the hryvnia sign in a white circle at the centre; error correction M leaves room for that circle (it
 * covers under 4% of the symbol, M restores 15%).
 */
export interface QrMatrix {
  size: number;
  version: number;
  dark(row: number, column: number): boolean;
}

const MIN_VERSION = 10;

export function paymentQrMatrix(link: string): QrMatrix {
  let symbol = QRCode.create(link, { errorCorrectionLevel: 'M' });
  if (symbol.version < MIN_VERSION) symbol = QRCode.create(link, { errorCorrectionLevel: 'M', version: MIN_VERSION });
  const { size, data } = symbol.modules;
  return { size, version: symbol.version, dark: (row, column) => data[row * size + column] === 1 };
}
