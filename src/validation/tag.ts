import { ArrayMaxSize, ArrayUnique, IsArray, IsString, Matches, MaxLength } from 'class-validator';
import { applyDecorators } from '@nestjs/common';

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 64;
/** Letters, digits and `. _ : / -`, starting with a letter or digit: safe in a URL, a shell and YAML unquoted. */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
const TAG_MESSAGE = 'must be made of letters, digits and . _ : / - and start with a letter or digit';

/** One tag, as a query parameter (`?tag=`) names it. */
export const IsTag = () => applyDecorators(IsString(), MaxLength(MAX_TAG_LENGTH), Matches(TAG_PATTERN, { message: TAG_MESSAGE }));

/** A job's list of tags. */
export const IsTagList = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_TAGS),
    ArrayUnique({ message: 'must not repeat a tag' }),
    IsString({ each: true }),
    MaxLength(MAX_TAG_LENGTH, { each: true }),
    Matches(TAG_PATTERN, { each: true, message: `each tag ${TAG_MESSAGE}` }),
  );
