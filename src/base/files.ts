import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs'

/** The most a file named by an input may hold. */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a named pipe (FIFO)'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isSocket()) return 'a socket'
  return 'not a file'
}

function check(stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) throw new Error(`it is ${kindOf(stats)}, not a regular file`)
  if (stats.size > maxBytes) {
    throw new Error(
      `it holds ${stats.size} bytes, more than the ${maxBytes === MAX_INPUT_FILE_BYTES ? '1 MiB' : `${maxBytes} bytes`} allowed`
    )
  }
}

/**
 * Reads a regular file of at most `maxBytes` as UTF-8, without ever waiting on it: a FIFO or a device
 * would block the process (before the timeout even starts) on open or read. The path is checked
 * before it is opened, opened without blocking, and checked again through the open descriptor, so
 * that a file swapped in between is caught too. Throws an Error saying what is wrong.
 */
export function readRegularFile(path: string, maxBytes = MAX_INPUT_FILE_BYTES): string {
  check(statSync(path), maxBytes)
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0))
  try {
    const stats = fstatSync(fd)
    check(stats, maxBytes)
    // One byte more than allowed, to notice a file that grew since it was checked.
    const buffer = Buffer.alloc(maxBytes + 1)
    let length = 0
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null)
      if (read === 0) break
      length += read
      if (length >= buffer.length) throw new Error(`it grew past the ${maxBytes} bytes allowed while it was read`)
    }
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    closeSync(fd)
  }
}
