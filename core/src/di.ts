// One tsyringe registry per process: plugins take the container and decorators from here.
import 'reflect-metadata';
export { container, inject, injectAll, injectable, singleton, Lifecycle, type DependencyContainer, type InjectionToken } from 'tsyringe';
