import type { Request } from 'express';
import type { z } from 'zod';

/** Parses a part of the request; a ZodError becomes a 400 VALIDATION_FAILED in the error mapper. */
export const parseBody = <S extends z.ZodTypeAny>(schema: S, req: Request): z.infer<S> => schema.parse(req.body ?? {});
export const parseQuery = <S extends z.ZodTypeAny>(schema: S, req: Request): z.infer<S> => schema.parse(req.query);
export const parseParams = <S extends z.ZodTypeAny>(schema: S, req: Request): z.infer<S> => schema.parse(req.params);
