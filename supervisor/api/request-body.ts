import express, { type RequestHandler } from 'express';
import { checkValueShape, DOCUMENT_LIMITS } from '../../shared/config/document-limits.js';
import { ApiError } from './api-error.js';

export const YAML_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/**
 * A parsed JSON body within DOCUMENT_LIMITS, checked right after JSON.parse and before anything
 * else touches it (validation, cloning to the config-check thread, YAML output): a deep or huge
 * body is a 400 in time linear in its size.
 */
export const limitJsonShape: RequestHandler = (req, _res, next) => {
  if (typeof req.body !== 'object' || req.body === null) return next();
  const problem = checkValueShape(req.body);
  if (problem === undefined) return next();
  const where = problem.path === '' ? 'the body' : `the body at ${problem.path}`;
  next(new ApiError('ERR_BODY_TOO_COMPLEX', `${where} ${problem.message.replace(/^the document /, '')}`, { path: problem.path, limits: DOCUMENT_LIMITS }));
};

/**
 * What a route with a body runs after its key is checked, so that a caller without a valid key
 * gets 401 before a byte of the body is read: JSON (shape-checked) or YAML text, up to
 * `maxBodyBytes`.
 */
export function bodyParsers(maxBodyBytes: number): RequestHandler[] {
  return [express.json({ limit: maxBodyBytes }), express.text({ limit: maxBodyBytes, type: YAML_CONTENT_TYPES }), limitJsonShape];
}
