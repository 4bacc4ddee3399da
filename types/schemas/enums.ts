import { z } from 'zod'
import { plateColors, userTypes } from '../enums'

/**
 * zod schemas of the enums in types/enums.ts. Server-side and contract only (types/actions/*):
 * src/ never imports this module at run time, so zod stays out of the mini-program and H5 bundles.
 */
export const plateColorSchema = z.enum(plateColors, { error: '车牌颜色不正确' })
export const userTypeSchema = z.enum(userTypes, { error: '用户类型不正确' })
