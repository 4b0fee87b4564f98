import type { ChatFile } from "../../src/core/files.ts";

/** Where an export tool leaves its file for the reply (src/core/files.ts FileShelf); returns the id. */
export interface FileDrop {
  put(file: ChatFile): Promise<string>;
}
