import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);
import{c as a,d as b,e as c,f as d,g as e}from"./chunk-CG32JASF.js";import"./chunk-TXDZMD2L.js";import"./chunk-WWSSSQLF.js";import"./chunk-KXB7FJAT.js";export{a as CONFIG_FILE_NAMES,b as findConfigFile,e as importModule,c as loadConfig,d as validateConfig};
