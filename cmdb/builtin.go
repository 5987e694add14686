package cmdb

// The attributes the continuity checks read: a CI's recovery time and
// backup interval, in minutes, against the RTO and RPO it inherits.
const (
	AttrRecoveryTime   = "recovery_time_minutes"
	AttrBackupInterval = "backup_interval_minutes"
)

// BuiltinTypes are the CI types every database starts with. Users add their
// own beside them; built-in types can gain attributes but keep their key.
func BuiltinTypes() []Type {
	ip := AttrDef{Key: "ip_address", Name: "IP address", NameZh: "IP地址", Kind: AttrText}
	os := AttrDef{Key: "os", Name: "Operating system", NameZh: "操作系统", Kind: AttrText}
	cores := AttrDef{Key: "cpu_cores", Name: "CPU cores", NameZh: "CPU核数", Kind: AttrNumber}
	memory := AttrDef{Key: "memory_gb", Name: "Memory (GB)", NameZh: "内存(GB)", Kind: AttrNumber}
	hours := AttrDef{Key: "service_hours", Name: "Service hours", NameZh: "服务时间", Kind: AttrText}
	supplier := AttrDef{Key: "supplier", Name: "Supplier", NameZh: "供应商", Kind: AttrText}
	serial := AttrDef{Key: "serial_number", Name: "Serial number", NameZh: "序列号", Kind: AttrText}
	warranty := AttrDef{Key: "warranty_end", Name: "Warranty end", NameZh: "保修截止日期", Kind: AttrDate}
	// recovery is how long the CI takes to recover, as its owner records
	// it: compared with the RTO it inherits (migration 17 adds it to
	// databases made before).
	recovery := AttrDef{Key: AttrRecoveryTime, Name: "Recovery time (minutes)", NameZh: "恢复时间(分钟)", Kind: AttrNumber}
	return []Type{
		{Key: "business_service", Name: "Business service", NameZh: "业务服务", IsService: true,
			Description: "A service as the business sees it, with an owner and agreed service hours.",
			Attributes: []AttrDef{hours,
				{Key: "customer", Name: "Customer", NameZh: "客户", Kind: AttrText},
				{Key: "sla", Name: "Service level agreement", NameZh: "服务级别协议", Kind: AttrText}}},
		{Key: "it_service", Name: "IT service", NameZh: "IT服务", IsService: true,
			Description: "A technical service that business services rely on.",
			Attributes:  []AttrDef{hours}},
		{Key: "application", Name: "Application", NameZh: "应用系统",
			Attributes: []AttrDef{
				{Key: "vendor", Name: "Vendor", NameZh: "厂商", Kind: AttrText},
				{Key: "licences", Name: "Licences", NameZh: "许可证数量", Kind: AttrNumber}, recovery}},
		{Key: "database", Name: "Database", NameZh: "数据库",
			Attributes: []AttrDef{
				{Key: "engine", Name: "Engine", NameZh: "数据库类型", Kind: AttrChoice,
					Choices: []string{"Oracle", "MySQL", "PostgreSQL", "SQL Server", "DM", "Other"}},
				{Key: AttrBackupInterval, Name: "Backup interval (minutes)", NameZh: "备份间隔(分钟)", Kind: AttrNumber}, recovery}},
		{Key: "server", Name: "Server", NameZh: "服务器",
			Attributes: []AttrDef{ip, os, cores, memory, serial, warranty, recovery}},
		{Key: "virtual_machine", Name: "Virtual machine", NameZh: "虚拟机",
			Attributes: []AttrDef{ip, os, cores, memory, recovery}},
		{Key: "network_device", Name: "Network device", NameZh: "网络设备",
			Attributes: []AttrDef{ip,
				{Key: "model", Name: "Model", NameZh: "型号", Kind: AttrText}, serial, warranty, recovery}},
		{Key: "storage", Name: "Storage", NameZh: "存储",
			Attributes: []AttrDef{
				{Key: "capacity_tb", Name: "Capacity (TB)", NameZh: "容量(TB)", Kind: AttrNumber},
				{Key: "model", Name: "Model", NameZh: "型号", Kind: AttrText}, serial, warranty, recovery}},
		{Key: "site", Name: "Site", NameZh: "站点",
			Attributes: []AttrDef{
				{Key: "address", Name: "Address", NameZh: "地址", Kind: AttrText},
				{Key: "recovery_site", Name: "Recovery site", NameZh: "灾备站点", Kind: AttrBool}}},
		{Key: "external_service", Name: "External/supplier service", NameZh: "外部/供应商服务",
			Attributes: []AttrDef{supplier,
				{Key: "support_phone", Name: "Support phone", NameZh: "支持电话", Kind: AttrText},
				{Key: "contract", Name: "Contract", NameZh: "合同", Kind: AttrRef}, recovery}},
		{Key: "contract", Name: "Contract", NameZh: "合同",
			Attributes: []AttrDef{supplier,
				{Key: "start_date", Name: "Start date", NameZh: "开始日期", Kind: AttrDate},
				{Key: "end_date", Name: "End date", NameZh: "结束日期", Kind: AttrDate}}},
		{Key: "document", Name: "Document", NameZh: "文档",
			Attributes: []AttrDef{
				{Key: "document_number", Name: "Document number", NameZh: "文件编号", Kind: AttrText},
				{Key: "classification", Name: "Classification", NameZh: "文件密级", Kind: AttrText}}},
	}
}
