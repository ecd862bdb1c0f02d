import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);
function c(n){return t(e(String(n)).replace(s," \u23CE "))}function g(n){return e(String(n)).replace(/\r\n?/g,`
`).replace(/[\u2028\u2029]/g,`
`).split(`
`).map(t).join(`
`)}function x(n,r){return n.length<=r?n:n.slice(0,Math.max(0,r-1)).trimEnd()+"\u2026"}var u=/(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b[ -/]*[0-~]?/g,i=/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g,f=/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g,s=/\r\n|[\r\n\u2028\u2029]/g;function e(n){return n.replace(u,"").replace(f,"").replace(i,"\uFFFD").replace(/\t/g," ")}function t(n){let r=n.replace(/##\[/g,"# #[");return/^\s*::/.test(r)?r.replace(/^(\s*)::/,"$1\u2039::\u203A"):r}function o(n){return n.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,"\uFFFD")}export{c as a,g as b,x as c,o as d};
