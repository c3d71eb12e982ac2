import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ROLE_REQUIREMENT, type RoleRequirement } from './required-role.decorator';
import { roleAllows } from './roles';
import './principal';

const FAIL_CLOSED: RoleRequirement = { role: 'admin' };

/** Lets a request through when its principal's role is at least what the route declares (RequiredRole); 403 otherwise. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const declared = this.reflector.getAllAndOverride<RoleRequirement | null | undefined>(ROLE_REQUIREMENT, [context.getHandler(), context.getClass()]);
    if (declared === null) return true;
    const requirement = declared ?? FAIL_CLOSED;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const role = request.principal?.role;
    if (role && roleAllows(role, requirement.role)) return true;
    const { except } = requirement;
    if (role && except && roleAllows(role, except.role) && except.applies(request)) return true;
    const needs = except ? `${requirement.role} (${except.role} for ${except.for})` : requirement.role;
    throw new ForbiddenException(`the role ${role ?? 'of no one'} may not ${request.method} ${request.routeOptions.url}: it needs ${needs}`);
  }
}
