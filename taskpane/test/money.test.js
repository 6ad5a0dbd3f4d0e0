import assert from "node:assert/strict";
import { test } from "node:test";

import {
  currencyTable,
  formatAmount,
  formatMinor,
  lineTotalMinor,
  minorToDecimal,
  parseDecimal,
  toMinor,
} from "../src/money.js";

test("parseDecimal reads dots, a lone comma and spaces; refuses anything else", () => {
  assert.deepEqual(parseDecimal("12.50"), { units: 1250n, scale: 2 });
  assert.deepEqual(parseDecimal(" 1 234,5 "), { units: 12345n, scale: 1 });
  assert.deepEqual(parseDecimal("7"), { units: 7n, scale: 0 });
  for (const bad of ["", "-1", "1.2.3", "abc", "1e3", "1,234.50x", null]) assert.equal(parseDecimal(bad), null, bad);
});

test("toMinor follows the currency's minor units and refuses finer amounts", () => {
  assert.equal(toMinor("12.5", 2), 1250n);
  assert.equal(toMinor("12.505", 2), null);
  assert.equal(toMinor("1200", 0), 1200n);
  assert.equal(toMinor("1200.5", 0), null);
  assert.equal(toMinor("1.234", 3), 1234n);
  assert.equal(toMinor("12.500", 2), 1250n);
});

test("minorToDecimal writes the API's decimal strings", () => {
  assert.equal(minorToDecimal(123450n, 2), "1234.50");
  assert.equal(minorToDecimal(5n, 2), "0.05");
  assert.equal(minorToDecimal(5n, 0), "5");
  assert.equal(minorToDecimal(1234n, 3), "1.234");
  assert.equal(minorToDecimal(-150n, 2), "-1.50");
});

test("line totals are exact and rounded half up", () => {
  assert.equal(lineTotalMinor("3", "0.10", 2), 30n); // 0.1 * 3 in floats is 0.30000000000000004
  assert.equal(lineTotalMinor("0.5", "0.05", 2), 3n); // 0.025 -> 0.03
  assert.equal(lineTotalMinor("2", "450", 0), 900n);
  assert.equal(lineTotalMinor("", "1", 2), null);
});

test("amounts are formatted in the merchant's language with the currency's digits", () => {
  assert.equal(formatMinor(102000n, "USD", 2, "en-US"), "$1,020.00");
  assert.equal(formatMinor(120n, "JPY", 0, "en-US"), "¥120");
  assert.match(formatMinor(1234567n, "BHD", 3, "en-US"), /^BHD\s1,234\.567$/);
  assert.match(formatMinor(114000n, "EUR", 2, "de-DE"), /^1\.140,00\s€$/);
  // Beyond a double's precision the digits stay exact.
  assert.equal(formatMinor(9007199254740993n, "USD", 2, "en-US"), "$90,071,992,547,409.93");
  assert.equal(formatAmount("20.00", "EUR", 2, "en-US"), "€20.00");
  assert.equal(formatAmount("oops", "EUR", 2, "en-US"), "oops EUR");
});

test("the currency table takes the API's list, else what Intl knows", () => {
  const api = currencyTable([
    { code: "EUR", minor_units: 2, name: "Euro" },
    { code: "CLF", minor_units: 4, name: "Unidad de Fomento" },
  ]);
  assert.deepEqual(api.codes, ["CLF", "EUR"]);
  assert.equal(api.digits("CLF"), 4);
  assert.equal(api.name("EUR", "de"), "Euro");
  const fallback = currencyTable(null);
  assert.ok(fallback.codes.includes("NZD"));
  assert.equal(fallback.digits("JPY"), 0);
  assert.equal(fallback.digits("KWD"), 3);
});
