// Module-customization hook (runs in Node's loader thread): posts every resolved URL to the main thread.
// Plain .mjs so it loads before, and independently of, tsx.
let port;

export function initialize(data) {
  port = data.port;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  port.postMessage(result.url);
  return result;
}
