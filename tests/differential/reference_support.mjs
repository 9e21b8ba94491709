// Helpers shared by the reference scripts (reference_decode.mjs, reference_steps.mjs).

// Reads arrive one macrotask apart and the body ends one macrotask after
// the last read, as with a network body. When a decoder fails (a fatal
// line, an incomplete last line, a missing [DONE]) the pipeline errors, and
// JS streams discard the frames that were decoded but still queued: frames
// decoded in the same tick as the failure would be missing from the partial
// message, depending on read sizes. Spacing the reads keeps that artefact
// out of the comparison; `linesPerRead` splits the body after every CR and
// LF, so that every frame before a fatal one is accumulated.
const splitBody = (bytes, chunkSize, linesPerRead) => {
  if (linesPerRead) {
    const pieces = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x0a || bytes[i] === 0x0d) {
        pieces.push(bytes.slice(start, i + 1));
        start = i + 1;
      }
    }
    if (start < bytes.length) pieces.push(bytes.slice(start));
    return pieces;
  }
  const step = chunkSize && chunkSize > 0 ? chunkSize : Math.max(bytes.length, 1);
  const pieces = [];
  for (let i = 0; i < bytes.length; i += step) pieces.push(bytes.slice(i, i + step));
  return pieces;
};

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

export const byteStream = (bytes, chunkSize, linesPerRead = false) => {
  const pieces = splitBody(bytes, chunkSize, linesPerRead);
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      if (index > 0) await nextMacrotask();
      if (index < pieces.length) controller.enqueue(pieces[index++]);
      else controller.close();
    },
  });
};

const errorText = (error) => (error instanceof Error ? error.message : String(error));

// The messages the AI SDK's chat (what `useChat` / assistant-ui's
// useChatRuntime run on) holds after one `submit-message` answered by
// `bytes`, and the error it reports (null when none).
export async function aiSdkChat(bytes) {
  // Imported lazily so that the assistant-stream side works without `ai`.
  const { AbstractChat, parseJsonEventStream, uiMessageChunkSchema } = await import("ai");
  const chunks = () =>
    parseJsonEventStream({ stream: byteStream(new Uint8Array(bytes)), schema: uiMessageChunkSchema })
      .pipeThrough(
        new TransformStream({
          transform(part, controller) {
            // Same as the SDK's HTTP transport: an invalid chunk fails the stream.
            if (!part.success) throw part.error;
            controller.enqueue(part.value);
          },
        }),
      );
  const state = {
    status: "ready",
    error: undefined,
    messages: [],
    pushMessage(message) {
      this.messages = [...this.messages, message];
    },
    popMessage() {
      this.messages = this.messages.slice(0, -1);
    },
    replaceMessage(index, message) {
      this.messages = this.messages.map((existing, i) => (i === index ? message : existing));
    },
    snapshot: (thing) => structuredClone(thing),
  };
  let counter = 0;
  class ReferenceChat extends AbstractChat {}
  const chat = new ReferenceChat({
    state,
    generateId: () => `generated-${++counter}`,
    transport: { sendMessages: async () => chunks(), reconnectToStream: async () => null },
  });
  try {
    await chat.sendMessage({ text: "test prompt" });
  } catch (caught) {
    return { messages: state.messages, error: errorText(caught) };
  }
  return { messages: state.messages, error: state.error === undefined ? null : errorText(state.error) };
}

