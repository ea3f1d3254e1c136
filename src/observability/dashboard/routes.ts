// The dashboard's routes: the page at / and /dashboard, its live stream at /events.
import { sendText } from '../http/responses.ts'
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard-page.ts'
import type { DashboardFeed } from './dashboard-feed.ts'
import type { HttpEndpoint, RouteHandler } from '../http/http-endpoint.ts'

export function installDashboard (http: HttpEndpoint, feed: DashboardFeed): void {
  const page: RouteHandler = (_request, response) => {
    response.setHeader('content-security-policy', DASHBOARD_CSP)
    response.setHeader('x-content-type-options', 'nosniff')
    sendText(response, 200, DASHBOARD_HTML, 'text/html; charset=utf-8')
  }
  http.route('/', page)
  http.route('/dashboard', page)
  http.route('/events', feed.handle)
}
