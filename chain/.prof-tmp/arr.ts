const n = 4096, rows = 256;
const m = new Float64Array(rows * n);
for (let i = 0; i < m.length; i++) m[i] = 1 + ((i * 2654435761) % 4294967296);
function a(): unknown[] {
  const out = [];
  for (let r = 0; r < rows; r++) {
    const base = r * n; let nz = 0;
    for (let j = 0; j < n; j++) if (m[base + j] !== 0) nz++;
    const uids = new Array<number>(nz); const values = new Array<number>(nz);
    for (let j = 0, k = 0; j < n; j++) { const x = m[base + j]!; if (x !== 0) { uids[k] = j; values[k++] = x; } }
    out.push({ uids, values });
  }
  return out;
}
function b(): unknown[] {
  const out = [];
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const uids: number[] = []; const values: number[] = [];
    for (let j = 0; j < n; j++) { const x = m[base + j]!; if (x !== 0) { uids.push(j); values.push(x); } }
    out.push({ uids, values });
  }
  return out;
}
function c(): unknown[] {
  const out = [];
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const vals = m.subarray(base, base + n);
    let nz = 0;
    for (let j = 0; j < n; j++) if (vals[j] !== 0) nz++;
    const uids = new Int32Array(nz); const values = new Float64Array(nz);
    for (let j = 0, k = 0; j < n; j++) { const x = vals[j]!; if (x !== 0) { uids[k] = j; values[k++] = x; } }
    out.push({ uids, values });
  }
  return out;
}
for (const [name, f] of [["a", a], ["b", b], ["c", c], ["a", a], ["b", b], ["c", c]] as const) {
  for (let k = 0; k < 5; k++) f();
  const c0 = process.cpuUsage(); for (let k = 0; k < 20; k++) f(); const cu = process.cpuUsage(c0);
  console.log(name, ((cu.user + cu.system) / 1000 / 20).toFixed(2));
}
