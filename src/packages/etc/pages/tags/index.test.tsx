import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ApiEnvelope } from '../../../../../types'
import { tagRows } from '../../../../testing/etc-fixtures'
import { fakeSend } from '../../../../testing/fake-api'
import { click, find, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { TagDetailView } from '../tag'
import TagsPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const listPayloads = () =>
  jest
    .mocked(send)
    .mock.calls.map(([e]) => e)
    .filter((e) => e.action === 'tags.list')
    .map((e) => e.payload)

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  const fake = fakeSend({
    'tags.list': { data: { items: tagRows, total: 1, nextCursor: null } },
    'tags.detail': { data: { tag: tagRows[0] } },
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
})

describe('标签管理', () => {
  it('lists tags (default 已发行) and filters by tag number, plate and status', async () => {
    await mount(() => <TagsPage />)
    await waitForText('共 1 条')
    expect(listPayloads()[0]).toEqual({ status: 'issued', limit: 20 })
    const row = find('.etc-tag-row')
    expect(text(row)).toContain('3301*****5430')
    expect(text(row)).toContain('金溢 蓝牙OBU')
    expect(text(row)).toContain('发行日期 2023-08-10')
    expect(text()).toContain('共 1 条（已发行）')

    click(find('.list-with-filters__toggle'))
    await waitFor(() => expect(document.querySelector('.etc-filter-tag-no input')).not.toBeNull())
    await typeIn('.etc-filter-tag-no', '1234567890123456')
    await typeIn('.etc-filter-plate', '浙z106nx')
    click(find('.etc-filter-search'))
    await waitFor(() => expect(listPayloads()).toHaveLength(2))
    expect(listPayloads()[1]).toEqual({
      status: 'issued',
      tagNo: '1234567890123456',
      plate: '浙Z106NX',
      limit: 20,
    })

    await waitForText('共 1 条（已发行 · 标签尾号3456 · 浙Z106NX）')
    click(find('.list-with-filters__toggle'))
    await waitFor(() => expect(document.querySelector('.etc-tags-status-lost')).not.toBeNull())
    click(find('.etc-tags-status-lost'))
    await waitFor(() => expect(listPayloads()).toHaveLength(3))
    expect(listPayloads()[2]).toEqual({
      status: 'lost',
      tagNo: '1234567890123456',
      plate: '浙Z106NX',
      limit: 20,
    })
  })

  it('opens the tag detail from a row', async () => {
    const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <TagsPage />)
    await waitForText('共 1 条')
    click(find('.etc-tag-row'))
    expect(navigate).toHaveBeenCalledWith({ url: '/packages/etc/pages/tag/index?id=tag-1' })
    navigate.mockRestore()
  })

  it('tag detail shows brand, model, outlet and dates', async () => {
    await mount(() => <TagDetailView tagId="tag-1" />)
    await waitForText('标签品牌')
    expect(text()).toContain('金溢')
    expect(text()).toContain('蓝牙OBU')
    expect(text()).toContain('杭州西湖服务网点')
    expect(text()).toContain('发行日期2023-08-10')
  })
})
