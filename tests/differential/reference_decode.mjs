// Decodes response bodies with the reference implementation (npm assistant-stream).
//
// stdin:  a JSON array of jobs
//         [{id, encoding, body_b64, strict, initialState, chunkSize?, uiMessage?}]
// stdout: a JSON array of results, same order
//         [{id, message, error, warnings, uiMessage?, uiMessageError?}]
//
// Bytes go through a ReadableStream, the encoding's decoder and the
// AssistantMessageAccumulator, exactly as the assistant-ui runtimes pipe a
// fetch body. `message` is the last message the accumulator emitted (the
// partial message when the pipeline failed), `error` the failure text or null.
// `chunkSize` splits the body into reads of that many bytes (default: one read),
// `linesPerRead: true` into one read per line (split after every CR and LF).
// AUI_REFERENCE_TIMING=1 prints the job count and run time on stderr.
// With `uiMessage: true` a UI-message-stream body is also read by the AI SDK's
// own chat client (`AbstractChat`, under `useChat`), giving the UIMessage it builds.
import {
  AssistantMessageAccumulator,
  AssistantTransportDecoder,
  DataStreamDecoder,
  PlainTextDecoder,
  UIMessageStreamDecoder,
  unstable_createInitialMessage as createInitialMessage,
} from "assistant-stream";
import { aiSdkChat, byteStream } from "./reference_support.mjs";

const DECODERS = {
  "data-stream": (strict) => new DataStreamDecoder({ strict }),
  "ui-message-stream": () => new UIMessageStreamDecoder(),
  "assistant-transport": (strict) => new AssistantTransportDecoder({ strict }),
  "plain-text": () => new PlainTextDecoder(),
};

// The reference reports dropped input through console.warn; collect it per job.
let currentWarnings = null;
const originalWarn = console.warn;
console.warn = (...args) => {
  if (currentWarnings) currentWarnings.push(args.map(String).join(" "));
  else originalWarn(...args);
};

const errorText = (error) => (error instanceof Error ? error.message : String(error));

async function decode(job) {
  const makeDecoder = DECODERS[job.encoding];
  if (!makeDecoder) return { id: job.id, message: null, error: `no reference decoder for ${job.encoding}` };
  const bytes = Buffer.from(job.body_b64, "base64");
  const strict = job.strict !== false;
  const initialMessage = createInitialMessage({ unstable_state: job.initialState ?? null });
  let message = initialMessage;
  let error = null;
  currentWarnings = [];
  try {
    const messages = byteStream(new Uint8Array(bytes), job.chunkSize, job.linesPerRead)
      .pipeThrough(makeDecoder(strict))
      .pipeThrough(new AssistantMessageAccumulator({ initialMessage, strict }));
    const reader = messages.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      message = value;
    }
  } catch (caught) {
    error = errorText(caught);
  }
  const warnings = currentWarnings;
  currentWarnings = null;
  const result = { id: job.id, message, error, warnings };
  if (job.uiMessage && job.encoding === "ui-message-stream") {
    Object.assign(result, await aiSdkUIMessage(bytes));
  }
  return result;
}

// The assistant message the AI SDK's chat builds from a reply to one `submit-message`.
async function aiSdkUIMessage(bytes) {
  const { messages, error } = await aiSdkChat(bytes);
  return { uiMessage: lastAssistant(messages), uiMessageError: error };
}

const lastAssistant = (messages) => {
  const last = messages.at(-1);
  return last && last.role === "assistant" ? last : null;
};

async function readStdin() {
  const pieces = [];
  for await (const piece of process.stdin) pieces.push(piece);
  return Buffer.concat(pieces).toString("utf8");
}

const jobs = JSON.parse(await readStdin());
const results = [];
// Sequential on purpose: console.warn capture is per job.
for (const job of jobs) results.push(await decode(job));
process.stdout.write(JSON.stringify(results));
if (process.env.AUI_REFERENCE_TIMING) originalWarn(`${jobs.length} jobs in ${Math.round(performance.now())} ms`);
