// Money without floats: amounts are decimal strings on the wire ("1234.50") and BigInt minor
// units (cents, yen, fils) in between; how many minor units a currency has comes from the
// API's ISO 4217 table (GET /api/v1/currencies).

const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/** "12.50" (or "12,50", " 1 234.5 ") -> {units: 1250n, scale: 2}; null when not a
 * non-negative decimal. A lone comma is read as the decimal separator (German keyboards). */
export function parseDecimal(text) {
  let clean = String(text ?? "").replace(/[\s\u00a0\u202f]/g, "");
  if (clean.includes(",") && !clean.includes(".")) clean = clean.replace(",", ".");
  const match = DECIMAL.exec(clean);
  if (!match) return null;
  const fraction = match[2] || "";
  return { units: BigInt(match[1] + fraction), scale: fraction.length };
}

/** A decimal string as minor units; null when invalid or finer than the currency allows. */
export function toMinor(text, digits) {
  const parsed = parseDecimal(text);
  if (!parsed) return null;
  const extra = parsed.scale - digits;
  if (extra <= 0) return parsed.units * 10n ** BigInt(-extra);
  const divisor = 10n ** BigInt(extra);
  return parsed.units % divisor === 0n ? parsed.units / divisor : null;
}

/** Minor units as the API's decimal string: 123450n, 2 -> "1234.50"; 5n, 0 -> "5". */
export function minorToDecimal(minor, digits) {
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const whole = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative ? `-${whole}` : whole;
}

/** quantity × unit price in minor units, rounded half up; null if either is invalid. */
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

/** Minor units for display in the merchant's language: 102000n, "USD", 2, "en-US" -> "$1,020.00". */
export function formatMinor(minor, currency, digits, locale) {
  const decimal = minorToDecimal(minor, digits);
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(decimal);
  } catch {
    return `${decimal} ${currency}`;
  }
}

/** An API amount ("1020.00") for display; the text itself when it is not a decimal. */
export function formatAmount(amount, currency, digits, locale) {
  const minor = toMinor(amount, digits);
  return minor === null ? `${amount ?? ""} ${currency}`.trim() : formatMinor(minor, currency, digits, locale);
}

/**
 * The currency table: from the API's list when it answered, otherwise what the browser's Intl
 * knows (the same ISO 4217 facts, so the pane never keeps a list of its own).
 * @returns {{codes: string[], digits: (code: string) => number, name: (code: string, locale?: string) => string}}
 */
export function currencyTable(apiCurrencies) {
  const known = new Map();
  for (const { code, minor_units: minorUnits, name } of apiCurrencies ?? []) {
    known.set(code, { digits: minorUnits, name });
  }
  if (known.size === 0 && typeof Intl.supportedValuesOf === "function") {
    for (const code of Intl.supportedValuesOf("currency")) known.set(code, { digits: null, name: null });
  }
  const digits = (code) => known.get(code)?.digits ?? intlDigits(code);
  const name = (code, locale) => intlName(code, locale) ?? known.get(code)?.name ?? code;
  return { codes: [...known.keys()].sort(), digits, name };
}

function intlDigits(code) {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions()
      .maximumFractionDigits;
  } catch {
    return 2;
  }
}

function intlName(code, locale) {
  try {
    return new Intl.DisplayNames([locale || "en"], { type: "currency", fallback: "none" }).of(code) ?? null;
  } catch {
    return null;
  }
}
