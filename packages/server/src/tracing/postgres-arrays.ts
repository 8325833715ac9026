/**
 * PostgreSQL arrays in the binary wire format, for `unnest`-based batch inserts. pg sends a Buffer
 * parameter in binary format, so PostgreSQL reads each element by its length instead of parsing
 * a quoted, escaped text literal (a third of the server's cost of a span insert), and nothing is
 * escaped here. They are bound as parameters like any other value; the SQL casts them
 * (`$1::text[]`), and the element type written here must match that cast.
 */

const textOid = 25;
const int4Oid = 23;
const int8Oid = 20;
const float8Oid = 701;

/** A text[] parameter; null elements become NULL. */
export function textArray(values: readonly (string | null)[]): Buffer {
  let size = 20;
  for (const value of values) size += 4 + (value === null ? 0 : value.length * 3);
  const buffer = Buffer.allocUnsafe(size);
  let offset = header(buffer, values, textOid);
  for (const value of values) {
    if (value === null) {
      offset = buffer.writeInt32BE(-1, offset);
      continue;
    }
    const length = buffer.write(value, offset + 4, 'utf8');
    buffer.writeInt32BE(length, offset);
    offset += 4 + length;
  }
  return buffer.subarray(0, offset);
}

/** An int8[] parameter (safe integers or bigints); null elements become NULL. */
export function int8Array(values: readonly (number | bigint | null)[]): Buffer {
  const buffer = Buffer.allocUnsafe(20 + values.length * 12);
  let offset = header(buffer, values, int8Oid);
  for (const value of values) {
    if (value === null) {
      offset = buffer.writeInt32BE(-1, offset);
    } else {
      offset = buffer.writeInt32BE(8, offset);
      offset = buffer.writeBigInt64BE(typeof value === 'bigint' ? value : BigInt(value), offset);
    }
  }
  return buffer.subarray(0, offset);
}

/** An int4[] parameter; null elements become NULL. */
export function int4Array(values: readonly (number | null)[]): Buffer {
  const buffer = Buffer.allocUnsafe(20 + values.length * 8);
  let offset = header(buffer, values, int4Oid);
  for (const value of values) {
    if (value === null) {
      offset = buffer.writeInt32BE(-1, offset);
    } else {
      offset = buffer.writeInt32BE(4, offset);
      offset = buffer.writeInt32BE(value, offset);
    }
  }
  return buffer.subarray(0, offset);
}

/** A float8[] parameter; null elements become NULL. */
export function float8Array(values: readonly (number | null)[]): Buffer {
  const buffer = Buffer.allocUnsafe(20 + values.length * 12);
  let offset = header(buffer, values, float8Oid);
  for (const value of values) {
    if (value === null) {
      offset = buffer.writeInt32BE(-1, offset);
    } else {
      offset = buffer.writeInt32BE(8, offset);
      offset = buffer.writeDoubleBE(value, offset);
    }
  }
  return buffer.subarray(0, offset);
}

/** ndim, has-nulls flag, element type, and (for a non-empty array) its one dimension. */
function header(buffer: Buffer, values: readonly unknown[], elementOid: number): number {
  if (values.length === 0) {
    buffer.writeInt32BE(0, 0);
    buffer.writeInt32BE(0, 4);
    return buffer.writeInt32BE(elementOid, 8);
  }
  let offset = buffer.writeInt32BE(1, 0);
  offset = buffer.writeInt32BE(values.includes(null) ? 1 : 0, offset);
  offset = buffer.writeInt32BE(elementOid, offset);
  offset = buffer.writeInt32BE(values.length, offset);
  return buffer.writeInt32BE(1, offset);
}
