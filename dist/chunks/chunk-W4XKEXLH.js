import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);
function g(o,n=process.stderr,f){let r=!!n.isTTY,w=f??(r?100:5e3),d=Date.now(),e=0,s=0,a=d,c=i=>{let t=((Date.now()-d)/1e3).toFixed(1);if(r){let l=o?Math.round(e/o*30):30;n.write(`\r[${"#".repeat(l)}${"-".repeat(30-l)}] ${e}/${o} \xB7 ${s} failing \xB7 ${t}s${i?`
`:""}`)}else n.write(`tracegate: ${e}/${o} cases done, ${s} failing, ${t}s
`)};return{tick(i){e++,i||s++;let t=Date.now();t-a>=w&&(a=t,c(!1))},done(){(r||e>0)&&c(!0)}}}var p={tick(){},done(){}};export{g as a,p as b};
