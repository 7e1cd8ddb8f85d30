/**
 * multipart/form-data for a page form with one file input, so an upload works without JavaScript. It is a body
 * parser (not a hook), registered only in the scope of the routes that take a file: the body is parsed before the
 * CSRF check runs (preValidation), so the `_csrf` field is read from it like any form's. Parsing is @fastify/busboy
 * (the parser @fastify/multipart is built on); a file over `maxFileBytes` is cut there and flagged, never buffered
 * whole, and the route answers with the limit.
 */
import { Busboy, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import type { FastifyInstance } from 'fastify';

export interface UploadedFile {
  filename: string;
  text: string;
  /** The file passed maxFileBytes: `text` holds only its first bytes. */
  truncated: boolean;
}

const FILES = Symbol('files');

/** A file the form sent under `field`, if any (text fields are plain properties of the body, as with formbody). */
export function uploadedFile(body: unknown, field: string): UploadedFile | undefined {
  return (body as { [FILES]?: Record<string, UploadedFile> } | null)?.[FILES]?.[field];
}

export function acceptMultipartForm(app: FastifyInstance, opts: { maxFileBytes: number; maxFieldBytes: number }): void {
  app.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    let bb: BusboyInstance;
    try {
      bb = new Busboy({
        headers: request.headers as BusboyHeaders,
        limits: { files: 1, fields: 20, fileSize: opts.maxFileBytes, fieldSize: opts.maxFieldBytes },
      });
    } catch (err) {
      return done(Object.assign(new Error(`not a readable multipart form: ${(err as Error).message}`), { statusCode: 400 }), undefined);
    }
    const body: Record<string | symbol, unknown> = {};
    const files: Record<string, UploadedFile> = {};
    bb.on('field', (name, value) => {
      body[name] = value;
    });
    bb.on('file', (name, stream, filename) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        files[name] = { filename, text: Buffer.concat(chunks).toString('utf8'), truncated: stream.truncated };
      });
    });
    bb.on('error', (err) => done(Object.assign(new Error(`not a readable multipart form: ${String((err as Error).message ?? err)}`), { statusCode: 400 }), undefined));
    bb.on('finish', () => {
      body[FILES] = files;
      done(null, body);
    });
    payload.pipe(bb);
  });
}
