import FilterPanel from '../../../etc/components/filter-panel'
import type { FilterPanelControl } from '../../../../components/list-with-filters'

export interface PlateFilterProps {
  /** The list's 筛选 panel: 查询 folds it. */
  panel: FilterPanelControl
  plate: string
  onPlateChange: (plate: string) => void
  onSearch: () => void
  onReset: () => void
}

/** The bills lists' 筛选: one plate field, 查询 applies it and folds the panel, 重置 clears it. */
export default function PlateFilter({ panel, plate, onPlateChange, onSearch, onReset }: PlateFilterProps) {
  return (
    <FilterPanel
      fields={[
        { key: 'plate', placeholder: '请输入车牌号码', value: plate, onChange: onPlateChange, maxLength: 9 },
      ]}
      onSearch={() => {
        onSearch()
        panel.close()
      }}
      onReset={onReset}
    />
  )
}
