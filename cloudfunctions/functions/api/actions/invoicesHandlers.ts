import { invoicesRequestSchemas } from '../../../../types/actions/invoices'
import type { ActionDomain, HandlerTable } from '../handlers'
import {
  invoiceDetailAction,
  invoiceLink,
  invoiceTrips,
  issueInvoice,
  listInvoices,
  reissueInvoice,
} from './invoices'
import { fleetApply, fleetPreview } from './invoiceFleet'
import { getSettings, listSettings, setSettings, titleNames } from './invoiceSettings'
import { listTitles, removeTitle, saveTitle, setDefaultTitle } from './invoiceTitles'
import { getMode, setMode } from './invoicingMode'

/** Invoices, invoice settings and titles, for the session's account only; other ids answer NOT_FOUND. */
export const invoicesHandlers: HandlerTable<keyof typeof invoicesRequestSchemas> = {
  'invoices.list': { access: 'account', run: listInvoices },
  'invoices.detail': { access: 'account', run: invoiceDetailAction },
  'invoices.trips': { access: 'account', run: invoiceTrips },
  'invoices.link': { access: 'account', run: invoiceLink },
  'invoices.issue': { access: 'account', run: issueInvoice },
  'invoices.reissue': { access: 'account', run: reissueInvoice },
  'invoiceSettings.list': { access: 'account', run: listSettings },
  'invoiceSettings.get': { access: 'account', run: getSettings },
  'invoiceSettings.set': { access: 'account', run: setSettings },
  'invoiceSettings.mode': { access: 'account', run: getMode },
  'invoiceSettings.setMode': { access: 'account', run: setMode },
  'invoiceSettings.titleNames': { access: 'account', run: titleNames },
  'invoiceSettings.fleetPreview': { access: 'account', run: fleetPreview },
  'invoiceSettings.fleetApply': { access: 'account', run: fleetApply },
  'invoiceTitles.list': { access: 'account', run: listTitles },
  'invoiceTitles.save': { access: 'account', run: saveTitle },
  'invoiceTitles.remove': { access: 'account', run: removeTitle },
  'invoiceTitles.setDefault': { access: 'account', run: setDefaultTitle },
}

export const invoicesDomain: ActionDomain = { schemas: invoicesRequestSchemas, handlers: invoicesHandlers }
