import Fastify, { type FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from '@hookstream/core';
import { schemas } from '@hookstream/pipeline';
import { createValidatorCompiler, formatSchemaErrors } from './validation.js';

async function app() {
  const a = Fastify({ schemaErrorFormatter: formatSchemaErrors });
  a.setValidatorCompiler(createValidatorCompiler());
  a.setErrorHandler((err: FastifyError, _req, reply) =>
    err instanceof AppError ? reply.code(err.httpStatus).send(err.toJSON()) : reply.code(500).send({ code: 'INTERNAL' }),
  );
  a.get<{ Params: { id: number }; Querystring: { n?: number } }>(
    '/things/:id',
    { schema: { params: schemas.pathParams({ id: schemas.positiveInt('An id.') }), querystring: schemas.query({ n: schemas.positiveInt('A count.') }) } },
    async (req) => ({ id: req.params.id, n: req.query.n ?? null }),
  );
  await a.ready();
  return a;
}

describe('request validation', () => {
  it('reads an integer path or query parameter from its text', async () => {
    const res = await (await app()).inject('/things/5?n=7');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 5, n: 7 });
  });

  it.each(['Infinity', '-Infinity', '1e400'])('refuses %s, which Ajv coerces to a non-finite number and lets past the bounds', async (text) => {
    const a = await app();
    const path = await a.inject(`/things/${encodeURIComponent(text)}`);
    expect(path.statusCode).toBe(400);
    expect(path.json()).toEqual({ code: 'BAD_REQUEST', message: 'id: must be a positive integer' });
    const query = await a.inject(`/things/1?n=${encodeURIComponent(text)}`);
    expect(query.statusCode).toBe(400);
    expect(query.json()).toEqual({ code: 'BAD_REQUEST', message: 'n: must be a positive integer' });
  });

  it('still answers the schema failures Ajv reports itself', async () => {
    const res = await (await app()).inject('/things/0');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'BAD_REQUEST', message: 'id: must be a positive integer' });
  });
});
