import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);
import{b as r,c as a}from"./chunk-VDNJMQNC.js";import"./chunk-KXB7FJAT.js";export{a as creator,r as rules};
