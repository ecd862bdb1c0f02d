/**
 * The code a `module:` task's worker thread runs, as source text for `new Worker(source, {eval: true})`.
 *
 * Why a string and not a file next to this one: the same worker must start from lib/ (the CLI), from the
 * TypeScript sources under jest, and from the action's single-file esbuild bundle (dist/index.js), where
 * no separate worker file exists. A string survives all three untouched (esbuild minifies and rewrites
 * `require` in code, never inside a string). Keep it plain ES2022 CommonJS with no outside references.
 *
 * Protocol (every message is an array, so several go in one postMessage):
 *   parent → worker: {t:'run', id, case} (the task gets case.input and the case) · {t:'abort', id, reason}
 *                    · {t:'ping'}
 *   worker → parent: {t:'ready'} · {t:'load-error', message, code, available} · {t:'pong'}
 *                    · {id, value} · {id, threw}
 */
export const MODULE_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');

function describe(error) {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

// Replies that finish in the same turn of the event loop go back in one message.
let outbox = [];
let scheduled = false;
function send(message) {
  outbox.push(message);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}
function flush() {
  scheduled = false;
  const batch = outbox;
  outbox = [];
  try {
    parentPort.postMessage(batch);
  } catch {
    // One reply could not be cloned (a function, a symbol, nesting deeper than the stack): send them one by
    // one so only that case errors.
    for (const message of batch) {
      try {
        parentPort.postMessage([message]);
      } catch (error) {
        parentPort.postMessage([
          { id: message.id, threw: 'returned a value that cannot be passed back from the task thread (' + describe(error) + ')', raw: true },
        ]);
      }
    }
  }
}

const controllers = new Map();
// The AbortController is made only when the task reads signal: most tasks never do.
function contextFor(id) {
  let controller;
  return {
    get signal() {
      if (!controller) {
        controller = new AbortController();
        controllers.set(id, controller);
      }
      return controller.signal;
    },
  };
}

let fn;
function run(message) {
  const id = message.id;
  let returned;
  try {
    returned = fn(message.case.input, message.case, contextFor(id));
  } catch (error) {
    controllers.delete(id);
    send({ id, threw: describe(error) });
    return;
  }
  Promise.resolve(returned).then(
    (value) => {
      controllers.delete(id);
      send({ id, value });
    },
    (error) => {
      controllers.delete(id);
      send({ id, threw: describe(error) });
    },
  );
}

function onMessages(messages) {
  for (const message of messages) {
    if (message.t === 'run') run(message);
    else if (message.t === 'abort') {
      const controller = controllers.get(message.id);
      controllers.delete(message.id);
      if (controller) controller.abort(new Error(message.reason));
    } else if (message.t === 'ping') send({ t: 'pong' });
  }
}

(async () => {
  let mod;
  try {
    if (workerData.typescript && workerData.jiti) {
      const { createJiti } = require(workerData.jiti);
      mod = await createJiti(workerData.file, { interopDefault: false }).import(workerData.file);
    } else {
      mod = await import(pathToFileURL(workerData.file).href);
    }
  } catch (error) {
    parentPort.postMessage([{ t: 'load-error', message: describe(error), code: error && error.code }]);
    return;
  }
  fn = mod[workerData.exportName];
  if (typeof fn !== 'function') {
    const available = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    parentPort.postMessage([{ t: 'load-error', missingExport: true, available }]);
    return;
  }
  parentPort.on('message', onMessages);
  parentPort.postMessage([{ t: 'ready' }]);
})();
`;
