src=open('chain/.prof-tmp/epoch-old.ts').read()
src=src.replace('from "./fixed.js"','from "../src/protocol/fixed.js"').replace('from "./params.js"','from "../src/protocol/params.js"')
lines=src.split('\n'); out=[]
inrun=False
for l in lines:
    if l.startswith('export function runEpoch'): inrun=True
    if inrun and (l.startswith('  // ') and l[5:6].isdigit() or l.startswith('  const out: EpochNeuronOutput') or l.startswith('  const bondRows')):
        out.append(f'  T({l.strip()[:14]!r});')
    if inrun and l.startswith('  return { neurons: out'):
        out.append('  T("end");')
    out.append(l)
src='\n'.join(out)
src=src.replace('export function runEpoch(input: EpochInput): EpochOutput {','export const PH: Record<string, number> = {};\nlet last=0, lastName="start";\nfunction T(name: string){const c=process.cpuUsage(); const t=(c.user+c.system)/1000; PH[lastName]=(PH[lastName]??0)+t-last; last=t; lastName=name;}\nexport function runEpoch(input: EpochInput): EpochOutput {\n  {const c=process.cpuUsage(); last=(c.user+c.system)/1000;} lastName="start";')
open('chain/.prof-tmp/epoch-old-inst.ts','w').write(src)
