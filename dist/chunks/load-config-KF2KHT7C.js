import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);
import{b as a,c as b,d as c,e as d,f as e}from"./chunk-QU2IGWBO.js";import"./chunk-MWQL774Z.js";import"./chunk-NTDDRHZQ.js";import"./chunk-KXB7FJAT.js";export{a as CONFIG_FILE_NAMES,b as findConfigFile,e as importModule,c as loadConfig,d as validateConfig};
