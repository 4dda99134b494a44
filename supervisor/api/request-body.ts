import express, { type RequestHandler } from 'express';
import { checkValueShape, DOCUMENT_LIMITS } from '../../shared/config/document-limits.js';
import { scanJsonShape } from '../../shared/config/json-shape.js';
import { ApiError } from './api-error.js';

export const YAML_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];
export const JSON_CONTENT_TYPES = ['application/json', 'application/*+json'];

function tooComplex(where: string, message: string, path?: string): ApiError {
  return new ApiError('ERR_BODY_TOO_COMPLEX', `${where} ${message.replace(/^the document /, '')}`, { ...(path === undefined ? {} : { path }), limits: DOCUMENT_LIMITS });
}

/**
 * A JSON body, read as text, becomes `req.body` only within DOCUMENT_LIMITS: the limits are
 * counted on the text first (one pass, nothing allocated), so a deep or huge body is a 400 before
 * JSON.parse builds it; what parses is checked again exactly, with the path of a problem.
 */
export const parseJsonBody: RequestHandler = (req, _res, next) => {
  if (typeof req.body !== 'string' || !req.is(JSON_CONTENT_TYPES)) return next();
  const text = req.body;
  const scanned = scanJsonShape(text, DOCUMENT_LIMITS);
  if (scanned !== undefined) return next(tooComplex(`the body (at character ${scanned.offset})`, scanned.message));
  let value: unknown;
  try {
    // As express.json does: an empty body is an empty object, and only an object or a list is JSON here.
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return next(new ApiError('ERR_BODY_INVALID_JSON', `invalid JSON body: ${(error as Error).message}`));
  }
  if (typeof value !== 'object' || value === null) return next(new ApiError('ERR_BODY_INVALID_JSON', 'invalid JSON body: expected an object or a list'));
  const problem = checkValueShape(value);
  if (problem !== undefined) return next(tooComplex(problem.path === '' ? 'the body' : `the body at ${problem.path}`, problem.message, problem.path));
  req.body = value;
  next();
};

/**
 * What a route with a body runs after its key is checked, so that a caller without a valid key
 * gets 401 before a byte of the body is read: JSON (shape-checked, then parsed) or YAML text, up
 * to `maxBodyBytes`.
 */
export function bodyParsers(maxBodyBytes: number): RequestHandler[] {
  return [express.text({ limit: maxBodyBytes, type: [...JSON_CONTENT_TYPES, ...YAML_CONTENT_TYPES] }), parseJsonBody];
}
