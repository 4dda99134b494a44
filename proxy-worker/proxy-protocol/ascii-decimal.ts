// Writing a number's decimal digits straight into a header buffer, so building a header needs no
// intermediate string.

/** `value / 10` rounded down, by an exact division: no fractional double is ever boxed on the way. */
function tenth(value: number): number {
  return (value - (value % 10)) / 10;
}

/** How many decimal digits `value` (a whole number ≥ 0) has. */
export function decimalDigits(value: number): number {
  let digits = 1;
  while (value >= 10) {
    value = tenth(value);
    digits++;
  }
  return digits;
}

/** Writes `value`'s digits at `offset`; returns the offset after the last digit. */
export function writeDecimal(target: Buffer, offset: number, value: number): number {
  const end = offset + decimalDigits(value);
  for (let at = end - 1; at >= offset; at--) {
    const rest = tenth(value);
    target[at] = 48 + value - rest * 10;
    value = rest;
  }
  return end;
}

/** Writes `text` (ASCII) at `offset` one char code at a time; returns the offset after it. */
export function writeAscii(target: Buffer, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}
