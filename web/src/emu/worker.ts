// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The emulator worker: owns the machine, runs it (run-loop.ts), batches UART
 * output, and decodes the heap from guest RAM (zero-copy) when its
 * generation moves (heap-watcher.ts). The page never blocks on any of it.
 */
import { type Machine, RAM_BASE, RAM_SIZE, TRACE_AREA, createMachine } from '@emu-glue/machine';
import { GuestMemory } from '../heap/guest-memory';
import { sha256Hex } from '../util/checksums';
import { fetchBytes } from './asset-loader';
import { CpuWatcher } from './cpu-watcher';
import { HeapWatcher } from './heap-watcher';
import {
  type BootRequest,
  type CheckpointToWorker,
  type CrashReport,
  type PageToWorker,
  type RunState,
  type StatusReport,
  type TestToWorker,
  type WorkerToPage,
  isCheckpointMessage,
  isTestMessage,
} from './protocol';
import { type LoopEvent, RunLoop } from './run-loop';
import { WorkerCheckpoints } from './worker-checkpoints';
import { type TestableWorker, handleTestMessage } from './worker-test-hooks';

interface WorkerScope {
  postMessage(message: WorkerToPage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<PageToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

const post = (message: WorkerToPage, transfer: Transferable[] = []): void =>
  scope.postMessage(message, transfer);

let machine: Machine | null = null;
/** the kernel image: Reset boots it again, whatever was loaded since */
let kernelImage: Uint8Array | null = null;
let loop: RunLoop | null = null;
/** set at boot when the page asked for test hooks */
let testTarget: TestableWorker | null = null;
let state: RunState = 'loading';
let stoppedByUser = false;
const watcher = new HeapWatcher(100);
const cpuWatcher = new CpuWatcher(100);
const output: Uint8Array[] = [];
let lastStatusAt = 0;
let lastInvalidMessage = '';
let keysSeq = 0;
const checkpoints = new WorkerCheckpoints(RAM_BASE, RAM_SIZE);

function flushOutput(): void {
  if (output.length === 0) return;
  const total = output.reduce((n, chunk) => n + chunk.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of output) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  output.length = 0;
  post({ type: 'output', bytes }, [bytes.buffer]);
}

function postStatus(): void {
  if (machine === null) return;
  const status: StatusReport = {
    state,
    instructions: machine.counters().instructions,
    mips: loop?.mips ?? 0,
    inputPending: machine.inputPending,
    keysSeq,
  };
  lastStatusAt = performance.now();
  post({ type: 'status', status });
}

function sampleHeap(settled: boolean): void {
  if (machine === null) return;
  const sample = watcher.sample(
    new GuestMemory(machine.ram(), RAM_BASE),
    performance.now(),
    settled,
  );
  if (sample === null) return;
  if (sample.result.status === 'invalid') {
    const message = sample.result.findings[0]?.message ?? '';
    if (message === lastInvalidMessage) return;
    lastInvalidMessage = message;
  } else {
    lastInvalidMessage = '';
  }
  post({ type: 'heap', result: sample.result, decodeMs: sample.decodeMs });
}

/** PSTATE's low 32 bits (NZCV, DAIF, CurrentEL, SP select), or null if the emulator cannot say. */
function readPstate(): number | null {
  if (machine === null) return null;
  try {
    return Number(machine.register('pstate') & 0xffffffffn);
  } catch {
    return null;
  }
}

function sampleCpu(settled: boolean): void {
  if (machine === null) return;
  const sample = cpuWatcher.sample(
    new GuestMemory(machine.ram(), RAM_BASE),
    readPstate,
    performance.now(),
    settled,
  );
  if (sample !== null) post({ type: 'cpu', model: sample.model, decodeMs: sample.decodeMs });
}

function crashReport(m: Machine): CrashReport | null {
  const crash = m.crash();
  if (crash === null) return null;
  const hex = (v: bigint): string => `0x${v.toString(16)}`;
  return {
    pc: hex(crash.pc),
    address: hex(crash.address),
    kind: crash.kind,
    message: crash.message,
  };
}

function afterTurn(event: LoopEvent): void {
  flushOutput();
  const previous = state;
  if (event === 'slice') state = 'running';
  else if (event === 'idle') state = 'idle';
  else if (event === 'powered-off') state = 'powered-off';
  else if (event === 'crashed') state = 'crashed';
  else state = 'failed';
  if (event === 'crashed' && machine !== null)
    post({ type: 'crashed', crash: crashReport(machine) });
  sampleHeap(event !== 'slice');
  sampleCpu(event !== 'slice');
  if (state !== previous || event !== 'slice' || performance.now() - lastStatusAt > 250)
    postStatus();
}

async function boot(request: BootRequest): Promise<void> {
  if (request.testHooks)
    testTarget = {
      writeMemory: (address, bytes) => {
        if (machine === null) return;
        machine.ram().set(bytes, address - RAM_BASE);
        watcher.forget();
        sampleHeap(true);
        sampleCpu(true);
      },
      restart,
    };
  const started = performance.now();
  if (typeof WebAssembly !== 'object') {
    post({ type: 'fatal', message: 'This browser has no WebAssembly, which the emulator needs.' });
    return;
  }
  try {
    const progress = (stage: 'wasm' | 'image') => (loaded: number, total: number) =>
      post({ type: 'progress', stage, loaded, total });
    const moduleUrl = new URL(request.moduleUrl, self.location.href);
    // the module's JavaScript loads alongside the downloads; createMachine's import then finds it ready
    const [wasmBinary, image] = await Promise.all([
      fetchBytes(request.wasmUrl, progress('wasm')),
      fetchBytes(request.imageUrl, progress('image')),
      import(/* @vite-ignore */ moduleUrl.href),
    ]);
    const fetched = performance.now();
    post({ type: 'progress', stage: 'start', loaded: 0, total: 0 });
    machine = await createMachine({ moduleUrl, wasmBinary, engine: request.engine });
    machine.onOutput = (bytes) => output.push(bytes);
    const created = performance.now();
    kernelImage = image;
    machine.load(image);
    const loaded = performance.now();
    postImageIdentity(image);
    loop = new RunLoop(
      {
        run: (budget) => machine!.run(budget),
        get inputPending() {
          return machine!.inputPending;
        },
        instructions: () => machine!.counters().instructions,
      },
      afterTurn,
    );
    state = 'running';
    post({
      type: 'ready',
      bootMs: loaded - started,
      fetchMs: fetched - started,
      createMs: created - fetched,
      loadMs: loaded - created,
    });
    loop.start();
  } catch (error) {
    state = 'failed';
    post({
      type: 'fatal',
      message: `The emulator could not start: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

function postImageIdentity(image: Uint8Array): void {
  post({ type: 'image-identity', identity: { sha256: sha256Hex(image), bytes: image.length } });
}

function resumeIfAllowed(): void {
  if (loop === null || stoppedByUser) return;
  if (state === 'crashed' || state === 'powered-off' || state === 'failed') return;
  loop.kick();
}

/**
 * Boots an image from scratch (Reset boots the kernel image again): the
 * machine, its pending output, what the watchers last saw and a user's
 * Stop are all forgotten.
 */
function restart(image: Uint8Array | null): void {
  if (machine === null || loop === null) return;
  loop.stop();
  if (image !== null) machine.load(image);
  else machine.reset();
  runAsAnotherMachine();
}

/**
 * The machine is another one now (reset, another image, a restored
 * checkpoint): nothing pending or watched belongs to it, a user's Stop is
 * forgotten, and it is reported from scratch (status, heap, cpu) and runs on.
 */
function runAsAnotherMachine(): void {
  output.length = 0;
  watcher.forget();
  cpuWatcher.forget();
  lastInvalidMessage = '';
  stoppedByUser = false;
  state = 'running';
  postStatus();
  loop?.start();
}

/** Around a checkpoint restore: the loop stops first; afterwards, as after a reset. */
const restoreHooks = {
  beforeRestore(): void {
    loop?.stop();
    flushOutput(); // what the machine said before belongs to the old state's transcript
  },
  afterRestore: runAsAnotherMachine,
};

function handleCheckpoint(message: CheckpointToWorker): void {
  // a save sees all output so far delivered first, so the page's transcript ends where the state does
  if (message.type === 'checkpoint-save') flushOutput();
  const reply = checkpoints.handle(message, machine, restoreHooks);
  if (reply === null) return;
  const transfer: Transferable[] = [];
  if (reply.type === 'checkpoint-exported' && reply.bytes !== null)
    transfer.push(reply.bytes.buffer);
  post(reply, transfer);
}

/** Runs fn; an exception becomes a fatal report (the page offers to start again). */
function guarded(what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    post({
      type: 'fatal',
      message: `${what}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

function handle(message: Exclude<PageToWorker, TestToWorker | CheckpointToWorker>): void {
  switch (message.type) {
    case 'boot':
      void boot(message);
      break;
    case 'keys':
      if (machine === null) return;
      machine.send(message.data);
      keysSeq = message.seq;
      resumeIfAllowed();
      if (!loop?.isRunning) postStatus(); // stopped or halted: say the keys were taken
      break;
    case 'stop':
      stoppedByUser = true;
      loop?.stop();
      if (state === 'running' || state === 'idle') state = 'stopped';
      flushOutput();
      sampleHeap(true);
      sampleCpu(true);
      postStatus();
      break;
    case 'resume':
      stoppedByUser = false;
      if (state === 'stopped') state = 'running';
      resumeIfAllowed();
      postStatus();
      break;
    case 'reset':
      restart(kernelImage);
      break;
    case 'load-trace':
      guarded('The trace could not be put in guest memory', () =>
        machine?.loadData(TRACE_AREA, message.bytes),
      );
      break;
    case 'boot-image':
      guarded('The image could not be booted', () => {
        kernelImage = message.image;
        restart(message.image);
        postImageIdentity(message.image);
      });
      break;
    case 'ping':
      post({ type: 'pong', id: message.id });
      break;
    case 'read-memory': {
      const bytes = machine?.read(message.address, message.length) ?? null;
      post(
        { type: 'memory', id: message.id, address: message.address, bytes },
        bytes ? [bytes.buffer] : [],
      );
      break;
    }
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (isCheckpointMessage(message)) handleCheckpoint(message);
  else if (!isTestMessage(message)) handle(message);
  else if (testTarget !== null) handleTestMessage(message, testTarget);
};
