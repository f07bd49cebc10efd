import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatPercent,
  formatTen,
  formatTime,
  groupDigits,
  shortHash,
  weiToTenNumber,
} from "./format";

describe("formatTen", () => {
  it("shows wei as TEN with up to 18 exact decimals and grouped integer digits", () => {
    expect(formatTen(10n ** 18n)).toBe("1 TEN");
    expect(formatTen("1")).toBe("0.000000000000000001 TEN");
    expect(formatTen(1234567n * 10n ** 18n + 5n * 10n ** 17n)).toBe("1,234,567.5 TEN");
    expect(formatTen(0n, { symbol: false })).toBe("0");
    expect(formatTen(null)).toBe("—");
  });
  it("truncates (never rounds up) when fraction digits are limited", () => {
    expect(formatTen(1999999999999999999n, { maxFractionDigits: 2 })).toBe("1.99 TEN");
    expect(formatTen(10n ** 12n, { maxFractionDigits: 4 })).toBe("0 TEN");
  });
  it("keeps precision beyond 2^53 wei", () => {
    expect(formatTen(123456789012345678901234567890n, { symbol: false })).toBe(
      "123,456,789,012.34567890123456789",
    );
  });
  it("handles negative amounts", () => {
    expect(formatTen(-(10n ** 18n) / 2n)).toBe("-0.5 TEN");
  });
});

describe("other formatters", () => {
  it("groups digits", () => {
    expect(groupDigits("1000000")).toBe("1,000,000");
    expect(groupDigits("999")).toBe("999");
  });
  it("shortens hashes and keeps short values", () => {
    expect(shortHash(`0x${"ab".repeat(32)}`)).toBe("0xabab…abab");
    expect(shortHash("0x1234")).toBe("0x1234");
  });
  it("formats times in UTC and ages", () => {
    expect(formatTime("2026-11-21T20:47:20.123Z")).toBe("2026-11-21 20:47:20 UTC");
    const now = new Date("2026-01-01T01:00:00Z");
    expect(formatAge(new Date("2026-01-01T00:59:30Z"), now)).toBe("30s ago");
    expect(formatAge(new Date("2026-01-01T00:30:00Z"), now)).toBe("30 min ago");
    expect(formatAge(new Date("2026-01-01T02:00:00Z"), now)).toBe("in the future");
  });
  it("formats fractions as percentages", () => {
    expect(formatPercent(0.99)).toBe("99.00%");
    expect(formatPercent(null)).toBe("—");
  });
  it("converts wei to a float of TEN for charts", () => {
    expect(weiToTenNumber(25n * 10n ** 17n)).toBe(2.5);
  });
});
