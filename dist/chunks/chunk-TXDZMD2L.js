import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);
var t=class extends Error{problems;constructor(s,r=[]){super(r.length?`${s}
${r.map(n=>`  ${n}`).join(`
`)}`:s),this.name="UsageError",this.problems=r}};export{t as a};
