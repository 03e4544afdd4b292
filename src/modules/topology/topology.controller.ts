import { Controller, Get, Param, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AccessService } from '../access/access.service.js';
import { notFound, ValidationException } from '../../common/http/app.exception.js';
import { translate, type Language } from '../../common/i18n/i18n.js';
import { InterfaceQueryService } from '../interface/interface-query.service.js';
import { MESH_SCOPES } from './mesh-scope.js';
import { DEFAULT_DEPTH, MAX_DEPTH, idParam, impactOrigin, meshRequest, requiredId } from './topology-params.js';
import { TopologyRepository } from './topology.repository.js';
import { SCRIPT_TEXT_KEYS } from './topology.i18n.js';
import { OwnedBy } from '../access/owned-by.js';

const VIEWS = ['jobs', 'mesh', 'impact'] as const;
type TopologyView = (typeof VIEWS)[number];

/** Tabs and the mesh form's options, with the current ones selected. */
function choices(view: TopologyView, mesh: { scope: string; depth: number }) {
  return {
    tabs: VIEWS.map((name) => ({ name, label: `topology.view.${name}`, active: name === view })),
    scopes: MESH_SCOPES.map((scope) => ({
      value: scope,
      label: `topology.scope.${scope}`,
      selected: scope === mesh.scope,
    })),
    depths: Array.from({ length: MAX_DEPTH }, (_, index) => ({ value: index + 1, selected: index + 1 === mesh.depth })),
  };
}

function scriptText(response: Response): Record<string, string> {
  const lang = response.locals.lang as Language;
  return Object.fromEntries(SCRIPT_TEXT_KEYS.map((key) => [key.replace(/^topology\./, ''), translate(lang, key)]));
}

/**
 * Topology pages: the whole mesh with an interface finder (/topology) and, per interface, its job
 * DAG, its place in the mesh and the impact of a failure. Pages are shells; their script draws the
 * graphs from the topology API.
 */
@Controller('topology')
export class TopologyController {
  constructor(
    private readonly queries: InterfaceQueryService,
    private readonly repository: TopologyRepository,
    private readonly access: AccessService,
  ) {}

  @Get()
  @Render('topology/index')
  async index(
    @Req() request: Request,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 128) : '';
    return {
      title: 'topology.title',
      q,
      matches: q ? await this.queries.options(q, 50, [], request.principal) : [],
      searched: q !== '',
      page: { view: 'mesh', interfaceId: null, scope: 'all', depth: DEFAULT_DEPTH, text: scriptText(response) },
    };
  }

  /** `/topology/impact?job=<id>` (or `?interface=<id>`): the impact view of the job's interface. */
  @Get('impact')
  async impact(@Req() request: Request, @Query() query: Record<string, unknown>, @Res() response: Response) {
    const origin = impactOrigin(query);
    if (origin.kind === 'job') await this.access.assertJob(request.principal!, origin.id, 'view');
    else await this.access.assertInterface(request.principal!, origin.id, 'view');
    if (origin.kind === 'interface') return response.redirect(302, `/topology/interfaces/${origin.id}?view=impact`);
    const job = await this.repository.job(origin.id);
    if (!job) throw notFound('job');
    return response.redirect(302, `/topology/interfaces/${job.interfaceId}?view=impact&job=${job.id}`);
  }

  @Get('interfaces/:id')
  @OwnedBy('interface')
  @Render('topology/interface')
  async interface(
    @Param('id') idText: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const id = requiredId(idText, 'id');
    const view = VIEWS.find((candidate) => candidate === (query.view ?? 'jobs'));
    if (!view) throw new ValidationException({ view: `must be one of ${VIEWS.join(', ')}` });
    const [iface] = await this.queries.refs([id]);
    if (!iface) throw notFound('interface');
    const mesh =
      view === 'mesh'
        ? meshRequest({ interface: String(id), scope: query.scope, depth: query.depth })
        : { scope: 'local', depth: DEFAULT_DEPTH };
    const job = view === 'impact' ? (idParam(query.job, 'job') ?? null) : null;
    const jobs = view === 'impact' ? await this.repository.jobsOf([id]) : [];
    if (job !== null && !jobs.some((row) => row.id === job)) throw notFound('job of this interface');
    return {
      title: 'topology.title',
      iface,
      view,
      ...choices(view, mesh),
      jobs: jobs.map((row) => ({ id: row.id, name: row.name, selected: row.id === job })),
      hint: `topology.hint.${view satisfies TopologyView}`,
      page: {
        view,
        interfaceId: id,
        interfaceName: iface.name,
        scope: mesh.scope,
        depth: mesh.depth,
        job,
        text: scriptText(response),
      },
    };
  }
}
