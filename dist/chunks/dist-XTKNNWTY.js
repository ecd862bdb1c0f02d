import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);
import{a}from"./chunk-2IC5UXTP.js";import"./chunk-KXB7FJAT.js";export default a();
