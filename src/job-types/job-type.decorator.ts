import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';

export const JOB_TYPE_METADATA = 'scheduler:job-type';

/** Registers a provider as the strategy for jobs whose `type` is `name`. */
export const JobType = (name: string) => applyDecorators(Injectable(), SetMetadata(JOB_TYPE_METADATA, name));
