// Exact decimal arithmetic for line totals: quantities and prices are decimal strings, and a
// float product (0.1 * 3) must not decide a customer's total.

const DECIMAL = /^\s*(\d+)(?:\.(\d+))?\s*$/;

/** "12.50" -> {units: 1250n, scale: 2}; null when not a non-negative decimal. */
export function parseDecimal(text) {
  const match = DECIMAL.exec(String(text ?? ""));
  if (!match) return null;
  const fraction = match[2] || "";
  return { units: BigInt(match[1] + fraction), scale: fraction.length };
}

/** Digits after the decimal point for an ISO currency (JPY 0, USD 2, BHD 3). */
export function minorDigits(currency) {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits;
  } catch {
    return 2;
  }
}

/** quantity × unit price in minor units (cents), rounded half up; null if either is invalid. */
export function lineTotalMinor(quantity, unitPrice, digits) {
  const q = parseDecimal(quantity);
  const p = parseDecimal(unitPrice);
  if (!q || !p) return null;
  const product = q.units * p.units;
  const shift = q.scale + p.scale - digits;
  if (shift <= 0) return product * 10n ** BigInt(-shift);
  const divisor = 10n ** BigInt(shift);
  return (product + divisor / 2n) / divisor;
}

export function formatMinor(minor, currency, locale) {
  const digits = minorDigits(currency);
  const value = Number(minor) / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency}`;
  }
}
