// Stand-in for react-devtools-core, which Ink imports optionally; aliased in build.mjs.
export function initialize(): void {}
export function connectToDevTools(): void {}
export default { initialize, connectToDevTools };
