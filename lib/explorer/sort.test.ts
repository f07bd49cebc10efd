import { describe, expect, it } from "vitest";
import { parseMetagraphSort, sortHref, sortMetagraph, type MetagraphRowLike } from "./sort";

const row = (uid: number, o: Partial<MetagraphRowLike>): MetagraphRowLike => ({
  uid,
  hotkey: `0x${uid.toString(16).padStart(40, "0")}`,
  stake: "0",
  trust: 0,
  consensus: 0,
  incentive: 0,
  dividends: 0,
  emission: "0",
  active: false,
  validatorPermit: false,
  ...o,
});

describe("metagraph sorting", () => {
  it("parses the query string, defaulting and ignoring junk", () => {
    expect(parseMetagraphSort({})).toEqual({ column: "uid", dir: "asc" });
    expect(parseMetagraphSort({ sort: "stake" })).toEqual({ column: "stake", dir: "desc" });
    expect(parseMetagraphSort({ sort: "trust", dir: "asc" })).toEqual({ column: "trust", dir: "asc" });
    expect(parseMetagraphSort({ sort: "DROP TABLE", dir: "sideways" })).toEqual({
      column: "uid",
      dir: "asc",
    });
    expect(parseMetagraphSort({ sort: ["incentive", "uid"] })).toEqual({ column: "incentive", dir: "desc" });
  });

  it("compares wei amounts as bigints, not floats or strings", () => {
    // As strings "9" > "10"; as doubles the two large values are equal.
    const rows = [
      row(0, { stake: "9" }),
      row(1, { stake: "10" }),
      row(2, { stake: "100000000000000000001" }),
      row(3, { stake: "100000000000000000000" }),
    ];
    expect(sortMetagraph(rows, { column: "stake", dir: "desc" }).map((r) => r.uid)).toEqual([2, 3, 1, 0]);
    expect(sortMetagraph(rows, { column: "stake", dir: "asc" }).map((r) => r.uid)).toEqual([0, 1, 3, 2]);
  });

  it("sorts fractions and booleans, ties by UID, without mutating the input", () => {
    const rows = [
      row(2, { incentive: 0.5, active: true }),
      row(0, { incentive: 0.9 }),
      row(1, { incentive: 0.5, active: true }),
    ];
    expect(sortMetagraph(rows, { column: "incentive", dir: "desc" }).map((r) => r.uid)).toEqual([0, 1, 2]);
    expect(sortMetagraph(rows, { column: "active", dir: "desc" }).map((r) => r.uid)).toEqual([1, 2, 0]);
    expect(rows.map((r) => r.uid)).toEqual([2, 0, 1]);
  });

  it("toggles direction on the current column and uses the column default otherwise", () => {
    expect(sortHref("/subnets/1", { column: "stake", dir: "desc" }, "stake")).toBe(
      "/subnets/1?sort=stake&dir=asc",
    );
    expect(sortHref("/subnets/1", { column: "stake", dir: "desc" }, "uid")).toBe(
      "/subnets/1?sort=uid&dir=asc",
    );
    expect(sortHref("/subnets/1", { column: "uid", dir: "asc" }, "emission")).toBe(
      "/subnets/1?sort=emission&dir=desc",
    );
  });
});
