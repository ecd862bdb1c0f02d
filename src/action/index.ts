/** The action's bundled entry point (dist/index.js): only starts `run()`. */
import { run } from './main.js';

void run();
