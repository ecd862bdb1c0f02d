import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);
import{d as a,e as b,f as c,g as d,h as e}from"./chunk-CVIDRELH.js";import"./chunk-L6VNHPYV.js";import"./chunk-NTDDRHZQ.js";import"./chunk-KXB7FJAT.js";export{a as CONFIG_FILE_NAMES,b as findConfigFile,e as importModule,c as loadConfig,d as validateConfig};
