// Protocol fixed-point figures as text. The chain keeps shares (incentive, trust, dividends,
// validator take) as u16 fractions of 65535 (IStaking.sol: 18% = 11796).
const U16_MAX = 65535;

export function u16Percent(v: number, digits = 2): string {
  return `${((v / U16_MAX) * 100).toFixed(digits)}%`;
}
