import { rename, writeFile } from 'node:fs/promises';

/** Write a file through a temporary name and a rename, so readers never see a partial file. */
export async function writeAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}
