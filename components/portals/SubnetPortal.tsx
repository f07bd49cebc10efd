"use client";
// /subnet: create a subnet (the lock cost is shown before signing), its task spec (metric,
// model signature, data set uploaded and hashed), the hyperparameters within the chain's
// bounds, and the subnet's metagraph.
import { useEffect, useId, useState } from "react";
import { useAccount, useReadContract } from "wagmi";
import { metagraphPrecompile, subnetsPrecompile } from "@/contracts/system-contracts";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { Input } from "@/components/ui/Input";
import { Stat } from "@/components/ui/Stat";
import { Table } from "@/components/ui/Table";
import { Badge } from "@/components/ui/Badge";
import { TxStatus } from "@/components/wallet/TxStatus";
import { useContractWrite } from "@/components/wallet/useContractWrite";
import { formatTen, shortHash } from "@/lib/explorer/format";
import { BlobUpload, ReadError, RequireWallet, SubnetSelect, type UploadedBlob } from "./common";
import { u16Percent } from "./format";
import {
  boundsOf,
  INT_FIELDS,
  parseHyperparamForm,
  toForm,
  WEI_FIELDS,
  type HyperparamForm,
} from "./hyperparams";

const TASK_TYPES = ["Classification", "Regression", "Embedding", "TextAnswer"] as const;
const METRICS: Record<(typeof TASK_TYPES)[number], string[]> = {
  Classification: ["accuracy", "f1"],
  Regression: ["rmse", "mae"],
  Embedding: ["cosine"],
  TextAnswer: ["exactMatch"],
};
const SIGNATURE = /^(float32|float16|int64|int32|uint8|string)\[[0-9?,]+\]$/;

interface TaskForm {
  taskType: number;
  metric: string;
  inputSignature: string;
  outputSignature: string;
  dataset: UploadedBlob | null;
  taskSpecURI: string;
}

export function SubnetPortal() {
  const [netuid, setNetuid] = useState<number | null>(null);
  return (
    <div className="portal">
      <p className="portal-intro">
        Create and run a subnet: define the task and its data, tune its hyperparameters, watch its metagraph.
      </p>
      <RequireWallet>
        <CreateSubnetCard />
        <Card title="Manage a subnet">
          <SubnetSelect value={netuid} onChange={setNetuid} />
        </Card>
        {netuid !== null && (
          <>
            <div className="portal-grid">
              <TaskSpecCard netuid={netuid} />
              <HyperparamsCard netuid={netuid} />
            </div>
            <MetagraphCard netuid={netuid} />
          </>
        )}
      </RequireWallet>
    </div>
  );
}

function TaskFields({ task, setTask }: { task: TaskForm; setTask: (t: TaskForm) => void }) {
  const type = TASK_TYPES[task.taskType] ?? "Classification";
  // Two forms on the page use these fields: ids must differ.
  const id = useId();
  return (
    <>
      <div className="portal-row">
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-type`}>
            Task type
          </label>
          <select
            id={`${id}-type`}
            className="portal-select"
            value={task.taskType}
            onChange={(e) =>
              setTask({
                ...task,
                taskType: Number(e.target.value),
                metric: METRICS[TASK_TYPES[Number(e.target.value)]!]![0]!,
              })
            }
          >
            {TASK_TYPES.map((t, i) => (
              <option key={t} value={i}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-metric`}>
            Metric
          </label>
          <select
            id={`${id}-metric`}
            className="portal-select"
            value={task.metric}
            onChange={(e) => setTask({ ...task, metric: e.target.value })}
          >
            {METRICS[type].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </div>
      </div>
      <div className="portal-row">
        <Input
          label="Model input"
          placeholder="float32[1,784]"
          value={task.inputSignature}
          onChange={(e) => setTask({ ...task, inputSignature: e.target.value.trim() })}
          {...(task.inputSignature !== "" && !SIGNATURE.test(task.inputSignature)
            ? { error: "Like float32[1,784]." }
            : {})}
        />
        <Input
          label="Model output"
          placeholder="float32[1,10]"
          value={task.outputSignature}
          onChange={(e) => setTask({ ...task, outputSignature: e.target.value.trim() })}
          {...(task.outputSignature !== "" && !SIGNATURE.test(task.outputSignature)
            ? { error: "Like float32[1,10]." }
            : {})}
        />
      </div>
      <BlobUpload
        accept="*/*"
        label="Evaluation data set"
        onUploaded={(b) => setTask({ ...task, dataset: b })}
      />
      <Input
        label="Task description URI (optional)"
        placeholder="https://…"
        value={task.taskSpecURI}
        onChange={(e) => setTask({ ...task, taskSpecURI: e.target.value.trim() })}
      />
    </>
  );
}

const emptyTask: TaskForm = {
  taskType: 0,
  metric: "accuracy",
  inputSignature: "",
  outputSignature: "",
  dataset: null,
  taskSpecURI: "",
};
const taskReady = (t: TaskForm) =>
  SIGNATURE.test(t.inputSignature) && SIGNATURE.test(t.outputSignature) && t.dataset !== null;
const taskSpec = (t: TaskForm) => ({
  taskType: t.taskType,
  metric: t.metric,
  inputSignature: t.inputSignature,
  outputSignature: t.outputSignature,
  datasetHash: t.dataset!.sha256,
  datasetURI: t.dataset!.uri,
});

function CreateSubnetCard() {
  const lock = useReadContract({
    ...subnetsPrecompile,
    functionName: "getLockCost",
    query: { refetchInterval: 10_000 },
  });
  const [name, setName] = useState("");
  const [task, setTask] = useState<TaskForm>(emptyTask);
  const tx = useContractWrite();
  const nameOk = /^[\w .-]{1,32}$/.test(name);
  return (
    <Card title="Create a subnet">
      <div className="portal-form">
        <Stat
          label="Lock cost"
          value={lock.data !== undefined ? formatTen(lock.data) : "—"}
          hint="Locked (not burned) while you own the subnet."
          testId="lock-cost"
        />
        <ReadError error={lock.error} />
        <Input
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          {...(name !== "" && !nameOk ? { error: "1–32 letters, digits, spaces, . _ -" } : {})}
        />
        <TaskFields task={task} setTask={setTask} />
        <Button
          disabled={!nameOk || !taskReady(task) || lock.data === undefined || tx.busy}
          onClick={() =>
            lock.data !== undefined &&
            void tx.write({
              ...subnetsPrecompile,
              functionName: "registerNetwork",
              args: [name, task.taskSpecURI, taskSpec(task)],
              value: lock.data,
            })
          }
        >
          Create subnet (lock {lock.data !== undefined ? formatTen(lock.data) : "…"})
        </Button>
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

function TaskSpecCard({ netuid }: { netuid: number }) {
  const current = useReadContract({ ...subnetsPrecompile, functionName: "getTaskSpec", args: [netuid] });
  const [task, setTask] = useState<TaskForm>(emptyTask);
  const tx = useContractWrite();
  const spec = current.data?.[1];
  return (
    <Card title="Task spec">
      <div className="portal-form">
        {spec && (
          <p className="portal-note mono">
            Now: {TASK_TYPES[spec.taskType]} · {spec.metric} · {spec.inputSignature} → {spec.outputSignature}{" "}
            · data {shortHash(spec.datasetHash)}
          </p>
        )}
        <ReadError error={current.error} />
        <TaskFields task={task} setTask={setTask} />
        <Button
          disabled={!taskReady(task) || tx.busy}
          onClick={() =>
            void tx.write({
              ...subnetsPrecompile,
              functionName: "setTaskSpec",
              args: [netuid, task.taskSpecURI, taskSpec(task)],
            })
          }
        >
          Update task spec
        </Button>
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

function HyperparamsCard({ netuid }: { netuid: number }) {
  const current = useReadContract({
    ...subnetsPrecompile,
    functionName: "getHyperparameters",
    args: [netuid],
  });
  const [form, setForm] = useState<HyperparamForm | null>(null);
  const tx = useContractWrite();
  useEffect(() => {
    if (current.data) setForm(toForm(current.data));
  }, [current.data]);
  const parsed = form ? parseHyperparamForm(form) : null;
  const errors = parsed && !parsed.ok ? parsed.errors : {};
  return (
    <Card title="Hyperparameters">
      <div className="portal-form">
        <ReadError error={current.error} />
        {form && (
          <>
            {[...INT_FIELDS, ...WEI_FIELDS, "weightsVersionKey" as const].map((k) => {
              const b = boundsOf(k);
              const hint = b
                ? `${b[0]} – ${b[1]}`
                : (WEI_FIELDS as readonly string[]).includes(k)
                  ? "TEN"
                  : undefined;
              return (
                <Input
                  key={k}
                  label={k}
                  inputMode="decimal"
                  value={form[k]}
                  onChange={(e) => setForm({ ...form, [k]: e.target.value })}
                  {...(errors[k] ? { error: errors[k] } : hint ? { hint } : {})}
                />
              );
            })}
            <label className="portal-check">
              <input
                type="checkbox"
                checked={form.commitRevealEnabled}
                onChange={(e) => setForm({ ...form, commitRevealEnabled: e.target.checked })}
              />{" "}
              Commit-reveal weights
            </label>
          </>
        )}
        <Button
          disabled={!parsed?.ok || tx.busy}
          onClick={() =>
            parsed?.ok &&
            void tx.write({
              ...subnetsPrecompile,
              functionName: "setHyperparameters",
              args: [netuid, parsed.value],
            })
          }
        >
          Save hyperparameters
        </Button>
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

function MetagraphCard({ netuid }: { netuid: number }) {
  const { address } = useAccount();
  const m = useReadContract({
    ...metagraphPrecompile,
    functionName: "getMetagraph",
    args: [netuid],
    query: { refetchInterval: 15_000 },
  });
  const rows = m.data ? m.data.hotkeys.map((hotkey, uid) => ({ uid, hotkey, d: m.data })) : [];
  return (
    <Card title={`Metagraph of subnet ${netuid}`}>
      <ReadError error={m.error} />
      <Table
        rowKey={(r) => String(r.uid)}
        rows={rows}
        empty="No neurons yet."
        columns={[
          { key: "uid", header: "UID", render: (r) => r.uid },
          {
            key: "hotkey",
            header: "Hotkey",
            mono: true,
            render: (r) =>
              r.hotkey.toLowerCase() === address?.toLowerCase() ? (
                <Badge tone="info">you</Badge>
              ) : (
                shortHash(r.hotkey)
              ),
          },
          {
            key: "stake",
            header: "Stake",
            align: "right",
            mono: true,
            render: (r) => formatTen(r.d.stakes[r.uid], { maxFractionDigits: 2 }),
          },
          {
            key: "incentive",
            header: "Incentive",
            align: "right",
            render: (r) => u16Percent(r.d.incentive[r.uid] ?? 0),
          },
          {
            key: "dividends",
            header: "Dividends",
            align: "right",
            render: (r) => u16Percent(r.d.dividends[r.uid] ?? 0),
          },
          { key: "trust", header: "Trust", align: "right", render: (r) => u16Percent(r.d.trust[r.uid] ?? 0) },
          {
            key: "vp",
            header: "Permit",
            render: (r) => (r.d.validatorPermit[r.uid] ? <Badge tone="success">validator</Badge> : null),
          },
          {
            key: "emission",
            header: "Emission",
            align: "right",
            mono: true,
            render: (r) => formatTen(r.d.emission[r.uid], { maxFractionDigits: 4 }),
          },
        ]}
      />
    </Card>
  );
}
