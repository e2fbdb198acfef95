// A bar chart as a PNG, with nothing but node:zlib: the report's picture, so the dashboard has an image to show.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** One bar per value (negative ones red, below the middle line), on a white 240×120 picture. */
export function barChartPng(values: number[], width = 240, height = 120): Buffer {
  const max = Math.max(1, ...values.map(Math.abs));
  const mid = height / 2;
  const barWidth = Math.floor(width / Math.max(1, values.length));
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3, 0xff);
    row[0] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const value = values[Math.floor(x / barWidth)];
      if (value === undefined || x % barWidth < 4) continue;
      const top = mid - (value / max) * (mid - 4);
      const inBar = value >= 0 ? y >= top && y < mid : y >= mid && y < top;
      if (inBar) row.set(value >= 0 ? [0x1a, 0x7f, 0x37] : [0xcf, 0x22, 0x2e], 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
