import { useRef, useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog, Segmented } from '@nutui/nutui-react-taro'
import type { ActionRequest, AllocationResult, StoredCardFunds } from '../../../../../types'
import { cardStatusLabels } from '../../../../../types/enums'
import { formatYuan, type Fen } from '../../../../../types/money'
import ListWithFilters from '../../../../components/list-with-filters'
import MoneyText, { formatMoney } from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import { call, type ApiError } from '../../../../services/api'
import { toApiError, useApiQuery } from '../../../../hooks/useApiQuery'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import FilterPanel from '../../../etc/components/filter-panel'
import { compact } from '../../../etc/labels'
import { checkPlate } from '../../../etc/validate'
import AmountField from '../../components/amount-field'
import FundsHeader from '../../components/funds-header'
import { useIntentKey } from '../../intent'
import { moneyRoutes } from '../../routes'
import { allocationCardLimit, checkAllocationAmount, sumFen, type AmountCheck } from '../../rules'
import '../../common.scss'
import './index.scss'

type Mode = 'even' | 'custom'
type Allocation = ActionRequest<'allocation.apply'>['allocation']

/** 分配方式 of the seed (seed 001 §2.8.1). */
const modeOptions = [
  { label: '平均分配', value: 'even', className: 'money-mode-even' },
  { label: '自定义分配', value: 'custom', className: 'money-mode-custom' },
]

const OVER_AVAILABLE = '本次预分配总金额不能超过可用余额'
const OVER_LIMIT = `一次最多分配${allocationCardLimit}辆车，更多车辆请分批预分配`

/** What the confirm dialog shows and allocation.apply receives. */
interface Plan {
  allocation: Allocation
  title: string
  cards: number
  total: Fen
  lines: { cardId: string; plate: string; cardNo: string; amount: Fen }[]
}

/** A custom amount typed on a row, with the row's names for the dialog (rows may be filtered away). */
interface CustomAmount {
  text: string
  plate: string
  cardNo: string
}

export function AllocateView() {
  const loggedIn = useRequireLogin()
  const summary = useApiQuery('money.summary', {}, { enabled: loggedIn })
  const cards = usePagedList('money.cards', {}, { enabled: loggedIn })
  const [mode, setMode] = useState<Mode>('even')
  const [perCard, setPerCard] = useState('')
  const [amounts, setAmounts] = useState<Record<string, CustomAmount>>({})
  const [plate, setPlate] = useState('')
  const [filterError, setFilterError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState<Plan | null>(null)
  const [applying, setApplying] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [result, setResult] = useState<AllocationResult | null>(null)
  const intent = useIntentKey()
  /** One allocation.apply at a time, whatever the taps. */
  const busy = useRef(false)

  useListPageEvents(cards, summary.refetch)

  const s = summary.data
  const available = s?.available ?? (0 as Fen)
  const receiving = s?.receivingCards ?? 0

  // 平均分配: one amount per receiving card
  const perCardCheck = checkAllocationAmount(perCard)
  const evenTotal = perCardCheck.state === 'ok' ? ((perCardCheck.amount * receiving) as Fen) : (0 as Fen)
  const fleetProblem = !s
    ? null
    : receiving === 0
      ? '暂无可接收预分配的ETC通行卡（仅已发行的储值卡可接收）'
      : receiving > allocationCardLimit
        ? `储值卡车辆超过${allocationCardLimit}辆，请使用自定义分配分批进行`
        : null
  const evenProblem =
    perCardCheck.state === 'invalid'
      ? perCardCheck.message
      : (fleetProblem ?? (evenTotal > available ? OVER_AVAILABLE : null))

  // 自定义分配: an amount per chosen card
  const typed = Object.entries(amounts)
    .filter(([, a]) => a.text.trim() !== '')
    .map(([cardId, a]) => ({ cardId, ...a, check: checkAllocationAmount(a.text) }))
  const customLines = typed.flatMap((t) => (t.check.state === 'ok' ? [{ ...t, amount: t.check.amount }] : []))
  const customTotal = sumFen(customLines.map((l) => l.amount))
  const customProblem = typed.some((t) => t.check.state === 'invalid')
    ? '请修正标红的分配金额'
    : customLines.length > allocationCardLimit
      ? OVER_LIMIT
      : customTotal > available
        ? OVER_AVAILABLE
        : null

  const total = mode === 'even' ? evenTotal : customTotal
  const problem = mode === 'even' ? evenProblem : customProblem
  const ready =
    s !== null &&
    !applying &&
    problem === null &&
    (mode === 'even' ? perCardCheck.state === 'ok' : customLines.length > 0)
  const canAllocateAll = s !== null && !applying && fleetProblem === null && available > 0

  const ask = (plan: Plan) => {
    setError(null)
    setConfirming(plan)
  }

  const askEven = () => {
    if (perCardCheck.state !== 'ok') return
    ask({
      allocation: { mode: 'even', perCard: perCardCheck.amount },
      title: `平均分配，每辆 ${formatMoney(perCardCheck.amount)}`,
      cards: receiving,
      total: evenTotal,
      lines: [],
    })
  }

  const askAll = () =>
    ask({
      allocation: { mode: 'all' },
      title: '分配全部可用余额',
      cards: receiving,
      total: available,
      lines: [],
    })

  const askCustom = () =>
    ask({
      allocation: { mode: 'custom', items: customLines.map((l) => ({ cardId: l.cardId, amount: l.amount })) },
      title: '自定义分配',
      cards: customLines.length,
      total: customTotal,
      lines: customLines,
    })

  const apply = async () => {
    const plan = confirming
    setConfirming(null)
    if (!plan || busy.current) return
    // the same allocation again (a retry after a lost answer) keeps its key: never allocated twice
    const key = intent.keyFor(plan.allocation)
    busy.current = true
    setApplying(true)
    setError(null)
    setResult(null)
    try {
      const answer = await call('allocation.apply', { key, allocation: plan.allocation })
      intent.finish()
      setResult(answer)
      setPerCard('')
      setAmounts({})
      void summary.refetch()
      void cards.refresh()
    } catch (e) {
      const failure = toApiError(e)
      setError(failure)
      if (failure.code === 'REQUEST_KEY_REUSED') intent.finish()
      if (failure.code === 'INSUFFICIENT_FUNDS') void summary.refetch()
    } finally {
      busy.current = false
      setApplying(false)
    }
  }

  const typeAmount = (card: StoredCardFunds, text: string) =>
    setAmounts((prev) => ({ ...prev, [card.cardId]: { text, plate: card.plate, cardNo: card.cardNo } }))

  const search = () => {
    const p = checkPlate(plate)
    setFilterError(p.error)
    if (p.error) return false
    cards.setFilters(compact({ plate: p.value }))
    return true
  }

  const rowAmount = (card: StoredCardFunds) => {
    if (!card.canReceive)
      return <Text className="muted money-alloc-row__refused">{cardStatusLabels[card.status]}</Text>
    if (mode === 'even')
      return (
        <Text className="money-alloc-row__even">
          {perCardCheck.state === 'ok' ? formatYuan(perCardCheck.amount) : '-'}
        </Text>
      )
    const entry = amounts[card.cardId]
    const check: AmountCheck = entry ? checkAllocationAmount(entry.text) : { state: 'empty' }
    return (
      <View className="money-alloc-row__input">
        <AmountField
          className="money-alloc-amount"
          value={entry?.text ?? ''}
          placeholder="0.00"
          invalid={check.state === 'invalid'}
          onChange={(text) => typeAmount(card, text)}
        />
        {check.state === 'invalid' ? (
          <Text className="error-text money-alloc-row__error">{check.message}</Text>
        ) : null}
      </View>
    )
  }

  return (
    <View className="money-allocate page">
      <NavBar title="预分配" />
      <FundsHeader
        summary={s}
        loading={summary.loading}
        error={summary.error}
        onRetry={() => void summary.refetch()}
      />

      <View className="card money-allocate__form">
        <View className="money-field">
          <Text className="money-field__label">分配方式</Text>
          <Segmented
            className="money-allocate__mode"
            options={modeOptions}
            value={mode}
            onChange={(value) => setMode(value === 'custom' ? 'custom' : 'even')}
          />
        </View>

        {mode === 'even' ? (
          <View className="money-field">
            <Text className="money-field__label">
              <Text className="money-field__required">*</Text>预分配至单车金额
            </Text>
            <AmountField
              className="money-allocate__per-card"
              value={perCard}
              invalid={perCardCheck.state === 'invalid'}
              onChange={setPerCard}
            />
            <Text className="money-field__hint">
              每辆已发行储值卡车辆各分配该金额{s ? `，共 ${receiving} 辆` : ''}
            </Text>
          </View>
        ) : (
          <Text className="money-field__hint money-allocate__custom-hint">
            在下方车辆列表中填写本次预分配金额，一次最多{allocationCardLimit}辆
          </Text>
        )}

        <View className="money-line money-allocate__total">
          <Text className="muted">本次预分配总金额</Text>
          <MoneyText fen={total} />
        </View>
        {mode === 'custom' && customLines.length > 0 ? (
          <Text className="money-field__hint money-allocate__count">已填写 {customLines.length} 辆</Text>
        ) : null}
        {problem && (mode === 'custom' || perCard.trim() !== '' || fleetProblem) ? (
          <Text className="error-text money-field__error money-allocate__problem">{problem}</Text>
        ) : null}

        <Button
          block
          type="primary"
          className="money-submit money-allocate__submit"
          disabled={!ready}
          loading={applying}
          onClick={mode === 'even' ? askEven : askCustom}
        >
          预分配
        </Button>
        {mode === 'even' ? (
          <Button
            block
            fill="outline"
            className="money-allocate__all"
            disabled={!canAllocateAll}
            onClick={askAll}
          >
            分配全部可用余额
          </Button>
        ) : null}
        {error ? (
          <Text className="error-text money-blocked money-allocate__error">{error.message}</Text>
        ) : null}
      </View>

      {result ? (
        <View className="card money-allocate-result">
          <Text className="money-allocate-result__title">预分配成功</Text>
          <View className="money-line">
            <Text className="muted">本次预分配总金额</Text>
            <MoneyText fen={result.total} />
          </View>
          {result.parts.map((p) => (
            <View key={p.cardId} className="money-line money-allocate-result__part">
              <Text>
                {p.plate} <Text className="muted">{p.cardNo}</Text>
              </Text>
              <MoneyText fen={p.amount} />
            </View>
          ))}
          <View className="money-line money-allocate-result__available">
            <Text className="muted">可用余额</Text>
            <MoneyText fen={result.available} />
          </View>
          <Text className="money-field__hint">卡上未圈存金额已更新，圈存后即可在通行中使用</Text>
        </View>
      ) : null}

      <ListWithFilters
        className="money-allocate__table"
        filters={({ close }) => (
          <View>
            <FilterPanel
              fields={[
                {
                  key: 'plate',
                  placeholder: '请输入车牌号码',
                  value: plate,
                  onChange: setPlate,
                  maxLength: 8,
                },
              ]}
              onSearch={() => {
                if (search()) close()
              }}
              onReset={() => {
                setPlate('')
                setFilterError(null)
                cards.setFilters({})
                close()
              }}
            />
            {filterError ? <Text className="error-text money-field__error">{filterError}</Text> : null}
          </View>
        )}
        activeFilters={cards.filters.plate ? 1 : 0}
        filterSummary={cards.filters.plate ? `车牌 ${cards.filters.plate}` : undefined}
        actions={
          cards.items.length > 0 ? (
            <View className="money-alloc-head">
              <Text className="money-alloc-head__plate">绑定车辆</Text>
              <Text className="money-alloc-head__unloaded">卡上未圈存金额(元)</Text>
              <Text className="money-alloc-head__amount">本次预分配金额(元)</Text>
            </View>
          ) : null
        }
        list={cards}
        emptyText="名下暂无储值卡车辆"
        keyOf={(c) => c.cardId}
        renderItem={(c) => (
          <View className={`money-alloc-row${c.canReceive ? '' : ' money-alloc-row--refused'}`}>
            <View className="money-alloc-row__plate">
              <Text className="money-alloc-row__plate-no">{c.plate}</Text>
              <Text className="muted money-alloc-row__card-no">{c.cardNo}</Text>
            </View>
            <Text className="money-alloc-row__unloaded">{formatYuan(c.unloaded)}</Text>
            <View className="money-alloc-row__amount">{rowAmount(c)}</View>
          </View>
        )}
      />

      <View className="money-allocate__links">
        <Text
          className="money-link money-allocate__records"
          onClick={() => void Taro.navigateTo({ url: moneyRoutes.records('allocation') })}
        >
          预分配记录
        </Text>
      </View>

      <Dialog
        className="money-allocate-confirm"
        visible={confirming !== null}
        title="确认预分配"
        content={
          confirming ? (
            <View className="money-confirm">
              <View className="money-confirm__row">
                <Text className="muted">分配方式</Text>
                <Text className="money-confirm__value">{confirming.title}</Text>
              </View>
              <View className="money-confirm__row">
                <Text className="muted">分配车辆</Text>
                <Text className="money-confirm__value">{confirming.cards} 辆</Text>
              </View>
              {confirming.lines.slice(0, 5).map((l) => (
                <View key={l.cardId} className="money-confirm__row">
                  <Text className="muted">{l.plate}</Text>
                  <Text className="money-confirm__value">{formatMoney(l.amount)}</Text>
                </View>
              ))}
              {confirming.lines.length > 5 ? (
                <Text className="money-confirm__note">等 {confirming.lines.length} 辆</Text>
              ) : null}
              <View className="money-confirm__row">
                <Text className="muted">本次预分配总金额</Text>
                <Text className="money-confirm__value money-allocate-confirm__total">
                  {formatMoney(confirming.total)}
                </Text>
              </View>
              {confirming.allocation.mode === 'all' ? (
                <Text className="money-confirm__note">
                  可用余额平均分配至每辆已发行储值卡车辆，分不尽的零头（分）依次分配给车牌排序靠前的车辆
                </Text>
              ) : null}
            </View>
          ) : null
        }
        confirmText="确定"
        cancelText="取消"
        onConfirm={() => void apply()}
        onCancel={() => setConfirming(null)}
        onClose={() => setConfirming(null)}
      />
    </View>
  )
}

export default function AllocatePage() {
  return <AllocateView />
}
