// Package demo fills a database with a realistic sample organisation — a
// bank with a primary data centre in Beijing and a recovery site in
// Shanghai — so that a first-time user sees a working CMDB, and so that
// benchmarks can scale the same shape up to 100k CIs.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"servicebook/cmdb"
	"servicebook/store"
)

// Organisation writes the sample organisation into an empty CMDB.
// Returns EINVALID if the CMDB already holds CIs, so that sample data is
// never mixed into real data.
func Organisation(ctx context.Context, s *cmdb.Store) error {
	if err := mustBeEmpty(ctx, s); err != nil {
		return err
	}
	b := newBuilder()
	b.organisation()
	_, err := s.CreateBatch(store.WithSource(ctx, "demo"), b.cis, b.rels)
	return err
}

func mustBeEmpty(ctx context.Context, s *cmdb.Store) error {
	_, total, err := s.ListCIs(ctx, cmdb.Filter{Limit: 1})
	if err != nil {
		return err
	}
	if total > 0 {
		return store.Errorf(store.EInvalid, "The database already holds %d CIs; sample data goes only into a new, empty database (use --db with a new file name).", total)
	}
	return nil
}

type builder struct {
	cis  []cmdb.CI
	rels []cmdb.BatchRelation
	idx  map[string]int
}

func newBuilder() *builder { return &builder{idx: map[string]int{}} }

// ci adds a CI and returns its position; names are unique in the demo.
func (b *builder) ci(typeKey, name, desc, owner, location string, crit int, attrs map[string]string) int {
	b.idx[name] = len(b.cis)
	b.cis = append(b.cis, cmdb.CI{TypeKey: typeKey, Name: name, Description: desc, Owner: owner,
		Location: location, Criticality: crit, Status: cmdb.StatusInService, Attributes: attrs})
	return len(b.cis) - 1
}

func (b *builder) rel(from string, kind cmdb.Kind, to, group string) {
	f, okf := b.idx[from]
	t, okt := b.idx[to]
	if !okf || !okt {
		panic(fmt.Sprintf("demo: relation %s -> %s names an unknown CI", from, to)) // a bug in the fixed sample, caught by its test
	}
	b.rels = append(b.rels, cmdb.BatchRelation{From: f, To: t, Kind: kind, Group: group})
}

const (
	bj = "北京主数据中心 Beijing DC"
	sh = "上海灾备中心 Shanghai DR"
)

func (b *builder) organisation() {
	b.ci("site", bj, "Primary data centre, Yizhuang", "王建国 Wang Jianguo", "北京市大兴区亦庄", 1,
		map[string]string{"address": "北京市经济技术开发区科创十三街 18 号", "recovery_site": "no"})
	b.ci("site", sh, "Recovery site, Zhangjiang", "陈静 Chen Jing", "上海市浦东新区张江", 1,
		map[string]string{"address": "上海市浦东新区碧波路 690 号", "recovery_site": "yes"})

	// Suppliers and contracts.
	b.ci("contract", "中国电信专线合同 2026", "MPLS and Internet lines for both sites", "采购部 Procurement", "", 2,
		map[string]string{"supplier": "中国电信 China Telecom", "start_date": "2026-01-01", "end_date": "2028-12-31"})
	b.ci("contract", "Oracle support 2026", "Premier support for database licences", "采购部 Procurement", "", 2,
		map[string]string{"supplier": "Oracle China", "start_date": "2026-04-01", "end_date": "2027-03-31"})
	b.ci("external_service", "中国电信 MPLS 专线", "Site-to-site network", "网络组 Network team", "", 1,
		map[string]string{"supplier": "中国电信 China Telecom", "support_phone": "10000"})
	b.ci("external_service", "Alibaba Cloud OSS 对象存储", "Off-site copy of backups", "基础架构组 Infrastructure", "", 2,
		map[string]string{"supplier": "阿里云 Alibaba Cloud", "support_phone": "95187"})
	b.ci("external_service", "短信网关 SMS gateway", "One-time passwords and notices", "应用组 Applications", "", 2,
		map[string]string{"supplier": "中国移动 China Mobile"})
	b.ci("external_service", "银联支付通道 UnionPay", "Card payment clearing", "支付组 Payments", "", 1,
		map[string]string{"supplier": "中国银联 China UnionPay", "support_phone": "95516"})

	// Network.
	for _, site := range []struct{ code, name string }{{"bj", bj}, {"sh", sh}} {
		for _, n := range []string{"core-sw-1", "core-sw-2"} {
			b.ci("network_device", site.code+"-"+n, "Core switch", "网络组 Network team", site.name, 1,
				map[string]string{"model": "Huawei CE12808", "ip_address": "10." + map[string]string{"bj": "1", "sh": "2"}[site.code] + ".0." + n[len(n)-1:]})
			b.rel(site.code+"-"+n, cmdb.HostedIn, site.name, "")
		}
		b.ci("network_device", site.code+"-fw-1", "Perimeter firewall", "安全组 Security team", site.name, 1,
			map[string]string{"model": "Hillstone SG-6000"})
		b.rel(site.code+"-fw-1", cmdb.HostedIn, site.name, "")
		b.rel(site.code+"-fw-1", cmdb.ConnectsTo, site.code+"-core-sw-1", "core")
		b.rel(site.code+"-fw-1", cmdb.ConnectsTo, site.code+"-core-sw-2", "core")
	}
	b.rel("bj-core-sw-1", cmdb.ConnectsTo, "中国电信 MPLS 专线", "")
	b.rel("sh-core-sw-1", cmdb.ConnectsTo, "中国电信 MPLS 专线", "")
	b.rel("中国电信 MPLS 专线", cmdb.SuppliedBy, "中国电信专线合同 2026", "")

	// Storage and servers.
	// The SAN takes 6 hours to restore from backup: longer than the 4-hour
	// RTO Internet banking's plan promises (a readiness finding, C09).
	b.ci("storage", "bj-san-01", "Primary SAN", "基础架构组 Infrastructure", bj, 1, map[string]string{"capacity_tb": "480", "model": "Huawei OceanStor 6800",
		"recovery_time_minutes": "360"})
	b.ci("storage", "sh-san-01", "Replica SAN", "基础架构组 Infrastructure", sh, 1, map[string]string{"capacity_tb": "480", "model": "Huawei OceanStor 6800"})
	b.ci("storage", "bj-backup-01", "Backup appliance", "基础架构组 Infrastructure", bj, 2, map[string]string{"capacity_tb": "300"})
	for _, st := range []string{"bj-san-01", "bj-backup-01"} {
		b.rel(st, cmdb.HostedIn, bj, "")
	}
	b.rel("sh-san-01", cmdb.HostedIn, sh, "")
	b.rel("bj-backup-01", cmdb.BackedUpBy, "Alibaba Cloud OSS 对象存储", "")
	b.rel("bj-san-01", cmdb.BackedUpBy, "bj-backup-01", "")

	server := func(name, site, code, os string, cores int, memory string) {
		b.ci("server", name, "", "基础架构组 Infrastructure", site, 2, map[string]string{
			"os": os, "cpu_cores": fmt.Sprint(cores), "memory_gb": memory, "serial_number": "SN" + name,
			"warranty_end": "2028-06-30"})
		b.rel(name, cmdb.HostedIn, site, "")
		b.rel(name, cmdb.ConnectsTo, code+"-core-sw-1", "network")
		b.rel(name, cmdb.ConnectsTo, code+"-core-sw-2", "network")
		b.rel(name, cmdb.DependsOn, code+"-san-01", "")
	}
	for i := 1; i <= 4; i++ {
		server(fmt.Sprintf("bj-esx-%02d", i), bj, "bj", "VMware ESXi 8", 64, "1024")
	}
	for i := 1; i <= 2; i++ {
		server(fmt.Sprintf("sh-esx-%02d", i), sh, "sh", "VMware ESXi 8", 64, "1024")
	}
	server("bj-db-01", bj, "bj", "麒麟 Kylin V10", 96, "1536")
	server("bj-db-02", bj, "bj", "麒麟 Kylin V10", 96, "1536")
	server("sh-db-01", sh, "sh", "麒麟 Kylin V10", 96, "1536")

	// Databases.
	db := func(name, engine, desc string, nodes []string, backupMinutes string) {
		site := bj
		if strings.HasPrefix(nodes[0], "sh-") {
			site = sh
		}
		b.ci("database", name, desc, "数据库组 DBA team", site, 1, map[string]string{"engine": engine, "backup_interval_minutes": backupMinutes})
		for _, n := range nodes {
			b.rel(name, cmdb.RunsOn, n, "db-cluster")
		}
		b.rel(name, cmdb.BackedUpBy, "bj-backup-01", "")
	}
	db("核心数据库 Core banking DB", "Oracle", "Accounts and ledgers (RAC)", []string{"bj-db-01", "bj-db-02"}, "15")
	db("信贷数据库 Loan DB", "Oracle", "Loan applications and decisions", []string{"bj-db-01", "bj-db-02"}, "60")
	db("渠道数据库 Channel DB", "MySQL", "Sessions and preferences for digital channels", []string{"bj-db-01", "bj-db-02"}, "60")
	db("人力资源数据库 HR DB", "DM", "HR and payroll data (达梦)", []string{"bj-db-01"}, "240")
	db("数据仓库 Data warehouse", "PostgreSQL", "Reporting and regulatory data", []string{"bj-db-02"}, "1440")
	db("灾备核心数据库 Core DB standby", "Oracle", "Data Guard standby in Shanghai", []string{"sh-db-01"}, "15")
	b.rel("灾备核心数据库 Core DB standby", cmdb.DependsOn, "中国电信 MPLS 专线", "")

	// Virtual machines. VMware HA restarts a VM on any host of its site's
	// cluster, so the hosts are one redundancy group: a VM fails only when
	// every host of its cluster is down.
	vm := func(name, site, code string, hosts int, i int) {
		b.ci("virtual_machine", name, "", "基础架构组 Infrastructure", site, 3,
			map[string]string{"os": "Ubuntu 24.04", "cpu_cores": "8", "memory_gb": "32", "ip_address": fmt.Sprintf("10.%d.10.%d", map[string]int{"bj": 1, "sh": 2}[code], 10+i)})
		for h := 1; h <= hosts; h++ {
			b.rel(name, cmdb.HostedIn, fmt.Sprintf("%s-esx-%02d", code, h), "esx-ha")
		}
	}
	apps := []struct {
		name, desc, owner string
		dbs               []string
		external          []string
	}{
		{"核心银行系统 Core banking", "Accounts, deposits, ledgers", "李伟 Li Wei", []string{"核心数据库 Core banking DB"}, nil},
		{"网银门户 Internet banking portal", "Web front end for retail customers", "赵敏 Zhao Min", []string{"渠道数据库 Channel DB"}, []string{"短信网关 SMS gateway"}},
		{"手机银行后台 Mobile banking backend", "APIs for the mobile app", "赵敏 Zhao Min", []string{"渠道数据库 Channel DB"}, []string{"短信网关 SMS gateway"}},
		{"支付网关 Payment gateway", "Card and transfer payments", "孙强 Sun Qiang", []string{"核心数据库 Core banking DB"}, []string{"银联支付通道 UnionPay"}},
		{"信贷审批系统 Loan origination", "Loan applications and approval workflow", "周洁 Zhou Jie", []string{"信贷数据库 Loan DB"}, nil},
		{"柜面系统 Teller system", "Branch counter transactions", "李伟 Li Wei", []string{"核心数据库 Core banking DB"}, nil},
		{"人力资源系统 HR system", "HR records and payroll runs", "吴芳 Wu Fang", []string{"人力资源数据库 HR DB"}, nil},
		{"邮件系统 Email (Exchange)", "Mail and calendars", "基础架构组 Infrastructure", nil, nil},
		{"统一身份认证 Identity (AD/SSO)", "Directory and single sign-on", "安全组 Security team", nil, nil},
		{"呼叫中心平台 Contact centre platform", "IVR and agent desktops", "客服中心 Contact centre", []string{"渠道数据库 Channel DB"}, nil},
		{"监管报送系统 Regulatory reporting", "Reports to PBoC and CBIRC", "合规部 Compliance", []string{"数据仓库 Data warehouse"}, nil},
		{"备份软件 Backup software", "Backup scheduling and catalogue", "基础架构组 Infrastructure", nil, nil},
	}
	for i, a := range apps {
		b.ci("application", a.name, a.desc, a.owner, bj, 2, map[string]string{"vendor": []string{"长亮科技", "in-house", "Microsoft", "神州信息"}[i%4]})
		for j := 0; j < 2; j++ {
			name := fmt.Sprintf("bj-vm-%02d%c", i+1, 'a'+j)
			vm(name, bj, "bj", 4, i*2+j)
			b.rel(a.name, cmdb.RunsOn, name, "vms")
		}
		for _, d := range a.dbs {
			b.rel(a.name, cmdb.DependsOn, d, "")
		}
		for _, e := range a.external {
			b.rel(a.name, cmdb.DependsOn, e, "")
		}
	}
	// Standby VMs in Shanghai for the core system.
	vm("sh-vm-01", sh, "sh", 2, 0)
	vm("sh-vm-02", sh, "sh", 2, 1)

	// IT services.
	itsvc := func(name, desc, owner string, deps ...string) {
		b.ci("it_service", name, desc, owner, "", 2, map[string]string{"service_hours": "7×24"})
		for _, d := range deps {
			b.rel(name, cmdb.DependsOn, d, "")
		}
	}
	itsvc("身份认证服务 Identity service", "Login for staff and systems", "安全组 Security team", "统一身份认证 Identity (AD/SSO)")
	itsvc("支付服务 Payment service", "Payments for every channel", "孙强 Sun Qiang", "支付网关 Payment gateway")
	itsvc("数据库服务 Database service", "Managed databases", "数据库组 DBA team", "核心数据库 Core banking DB", "信贷数据库 Loan DB")
	itsvc("备份服务 Backup service", "Backups and off-site copies", "基础架构组 Infrastructure", "备份软件 Backup software", "bj-backup-01")
	itsvc("网络服务 Network service", "LAN, WAN and Internet", "网络组 Network team", "bj-fw-1", "中国电信 MPLS 专线")
	itsvc("邮件服务 Email service", "Mail for all staff", "基础架构组 Infrastructure", "邮件系统 Email (Exchange)", "身份认证服务 Identity service")
	itsvc("短信服务 SMS service", "Notices and one-time passwords", "应用组 Applications", "短信网关 SMS gateway")
	itsvc("数据仓库服务 Data warehouse service", "Reporting data", "数据库组 DBA team", "数据仓库 Data warehouse")
	itsvc("桌面服务 Desktop service", "PCs and printers in branches", "IT服务台 Service desk", "身份认证服务 Identity service", "网络服务 Network service")
	itsvc("呼叫中心服务 Contact centre service", "Telephony for the hotline", "客服中心 Contact centre", "呼叫中心平台 Contact centre platform", "网络服务 Network service")

	// Business services, with their customers and agreed hours.
	bizsvc := func(name, desc, owner, hours string, crit int, deps ...string) {
		b.ci("business_service", name, desc, owner, "", crit, map[string]string{"service_hours": hours, "customer": "零售与公司客户 Retail and corporate customers"})
		for _, d := range deps {
			b.rel(name, cmdb.DependsOn, d, "")
		}
	}
	bizsvc("网上银行 Internet banking", "Retail customers bank online", "零售银行部 Retail banking", "7×24", 1,
		"网银门户 Internet banking portal", "核心银行系统 Core banking", "支付服务 Payment service", "身份认证服务 Identity service", "短信服务 SMS service")
	bizsvc("手机银行 Mobile banking", "Banking from the mobile app", "零售银行部 Retail banking", "7×24", 1,
		"手机银行后台 Mobile banking backend", "核心银行系统 Core banking", "支付服务 Payment service", "短信服务 SMS service")
	bizsvc("柜面业务 Branch counter service", "Transactions at 120 branches", "运营管理部 Operations", "周一至周六 08:30–17:30", 1,
		"柜面系统 Teller system", "核心银行系统 Core banking", "桌面服务 Desktop service")
	bizsvc("信贷审批 Loan approval", "Personal and SME loans", "信贷管理部 Credit", "工作日 08:00–18:00", 2,
		"信贷审批系统 Loan origination", "身份认证服务 Identity service")
	bizsvc("薪资发放 Payroll", "Monthly salaries for 6,000 staff", "人力资源部 HR", "工作日 09:00–17:00", 2,
		"人力资源系统 HR system", "支付服务 Payment service")
	bizsvc("客户服务热线 Customer hotline 95xxx", "Phone banking and complaints", "客服中心 Contact centre", "7×24", 2,
		"呼叫中心服务 Contact centre service", "核心银行系统 Core banking")
	bizsvc("电子邮件与协作 Email and collaboration", "Internal communication", "办公室 General office", "7×24", 3,
		"邮件服务 Email service")
	bizsvc("监管数据报送 Regulatory reporting", "Statutory reports, monthly and quarterly", "合规部 Compliance", "工作日 09:00–17:00", 2,
		"监管报送系统 Regulatory reporting", "数据仓库服务 Data warehouse service")
	bizsvc("银行卡支付 Card payments", "Debit and credit card acceptance", "银行卡部 Cards", "7×24", 1,
		"支付服务 Payment service", "银联支付通道 UnionPay")
	bizsvc("公司网银 Corporate banking", "Cash management for companies", "公司银行部 Corporate banking", "7×24", 1,
		"网银门户 Internet banking portal", "核心银行系统 Core banking", "支付服务 Payment service")
	bizsvc("数据备份与恢复 Backup and recovery", "Recoverability of all systems", "基础架构组 Infrastructure", "7×24", 2,
		"备份服务 Backup service")
	bizsvc("员工自助服务 Staff self-service", "Leave, expenses and payslips", "人力资源部 HR", "工作日 08:00–20:00", 4,
		"人力资源系统 HR system", "身份认证服务 Identity service")

	// Plans and procedures are CIs too, so that they can be baselined.
	b.ci("document", "SM-02002 服务连续性计划 Service continuity plan", "Continuity plan for Internet banking", "陈静 Chen Jing", "", 2,
		map[string]string{"document_number": "SM-02002", "classification": "内部使用"})
	b.ci("document", "SM-02001 配置管理程序 Configuration management procedure", "How the CMDB is kept", "王建国 Wang Jianguo", "", 3,
		map[string]string{"document_number": "SM-02001", "classification": "内部使用"})

	// Something for the dashboard to find: one CI without an owner, one in
	// maintenance, one planned and one retired.
	b.ci("server", "bj-old-01", "Old file server awaiting disposal", "", bj, 4, map[string]string{"os": "Windows Server 2012"})
	b.cis[len(b.cis)-1].Status = cmdb.StatusRetired
	b.cis[b.idx["sh-esx-02"]].Status = cmdb.StatusMaintenance
	b.ci("virtual_machine", "bj-vm-ai-01", "Planned: AI assistant for the hotline", "", bj, 3, nil)
	b.cis[len(b.cis)-1].Status = cmdb.StatusPlanned
}

// Scaled writes a generated CMDB of about n CIs with about five relations
// per CI, in the layered shape of a real one (services over applications
// over VMs and databases over servers over storage, network and sites), for
// benchmarks. seed makes it repeatable.
func Scaled(ctx context.Context, s *cmdb.Store, n int, seed uint64) error {
	if err := mustBeEmpty(ctx, s); err != nil {
		return err
	}
	if n < 100 {
		return store.Errorf(store.EInvalid, "--cis must be at least 100 (got %d).", n)
	}
	cis, rels := Generate(n, seed)
	_, err := s.CreateBatch(store.WithSource(ctx, "demo"), cis, rels)
	return err
}

// Generate builds the CIs and relations that Scaled writes.
func Generate(n int, seed uint64) ([]cmdb.CI, []cmdb.BatchRelation) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	layer := func(share float64) int { return max(2, int(float64(n)*share)) }
	counts := []struct {
		typeKey, prefix, zh string
		n                   int
	}{
		{"site", "site", "站点", 2},
		{"network_device", "net", "网络设备", layer(0.03)},
		{"storage", "san", "存储", layer(0.02)},
		{"server", "srv", "服务器", layer(0.22)},
		{"virtual_machine", "vm", "虚拟机", layer(0.40)},
		{"database", "db", "数据库", layer(0.08)},
		{"application", "app", "应用系统", layer(0.17)},
		{"it_service", "its", "IT服务", layer(0.05)},
	}
	used := 0
	for _, c := range counts {
		used += c.n
	}
	counts = append(counts, struct {
		typeKey, prefix, zh string
		n                   int
	}{"business_service", "bs", "业务服务", max(2, n-used)})

	var cis []cmdb.CI
	start := map[string][2]int{} // type -> [first, count]
	owners := []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "Infrastructure", "DBA team", "Network team", "Applications"}
	for _, c := range counts {
		start[c.typeKey] = [2]int{len(cis), c.n}
		for i := 0; i < c.n; i++ {
			cis = append(cis, cmdb.CI{
				TypeKey:     c.typeKey,
				Name:        fmt.Sprintf("%s-%06d %s%d", c.prefix, i+1, c.zh, i+1),
				Status:      cmdb.StatusInService,
				Criticality: 1 + r.IntN(4),
				Owner:       owners[r.IntN(len(owners))],
				Location:    []string{"北京主数据中心", "上海灾备中心"}[i%2],
			})
		}
	}
	pick := func(typeKey string) int {
		s := start[typeKey]
		return s[0] + r.IntN(s[1])
	}
	var rels []cmdb.BatchRelation
	type relKey struct {
		from, to int
		kind     cmdb.Kind
	}
	seen := map[relKey]bool{}
	add := func(from, to int, kind cmdb.Kind, group string) {
		key := relKey{from, to, kind}
		if from == to || seen[key] {
			return
		}
		seen[key] = true
		rels = append(rels, cmdb.BatchRelation{From: from, To: to, Kind: kind, Group: group})
	}
	each := func(typeKey string, fn func(i int)) {
		s := start[typeKey]
		for i := s[0]; i < s[0]+s[1]; i++ {
			fn(i)
		}
	}
	// Sites: the first site hosts most infrastructure. Losing it is the
	// heavily shared failure the impact benchmark starts from.
	site := func(i int) int { return start["site"][0] + min(1, i%5/4) }
	each("network_device", func(i int) {
		add(i, site(i), cmdb.HostedIn, "")
		add(i, pick("network_device"), cmdb.ConnectsTo, "")
		add(i, pick("network_device"), cmdb.ConnectsTo, "")
	})
	each("storage", func(i int) {
		add(i, site(i), cmdb.HostedIn, "")
		add(i, pick("network_device"), cmdb.ConnectsTo, "net")
		add(i, pick("network_device"), cmdb.ConnectsTo, "net")
	})
	each("server", func(i int) {
		add(i, site(i), cmdb.HostedIn, "")
		add(i, pick("network_device"), cmdb.ConnectsTo, "net")
		add(i, pick("network_device"), cmdb.ConnectsTo, "net")
		add(i, pick("storage"), cmdb.DependsOn, "san")
		add(i, pick("storage"), cmdb.DependsOn, "san")
	})
	each("virtual_machine", func(i int) {
		add(i, pick("server"), cmdb.HostedIn, "")
		add(i, pick("storage"), cmdb.DependsOn, "")
		add(i, pick("network_device"), cmdb.ConnectsTo, "net")
		add(i, pick("network_device"), cmdb.ConnectsTo, "net")
		add(i, pick("storage"), cmdb.BackedUpBy, "")
	})
	each("database", func(i int) {
		add(i, pick("server"), cmdb.RunsOn, "cluster")
		add(i, pick("server"), cmdb.RunsOn, "cluster")
		add(i, pick("storage"), cmdb.DependsOn, "")
		add(i, pick("storage"), cmdb.BackedUpBy, "")
		add(i, pick("network_device"), cmdb.ConnectsTo, "")
	})
	each("application", func(i int) {
		add(i, pick("virtual_machine"), cmdb.RunsOn, "vms")
		add(i, pick("virtual_machine"), cmdb.RunsOn, "vms")
		add(i, pick("virtual_machine"), cmdb.RunsOn, "vms")
		add(i, pick("database"), cmdb.DependsOn, "")
		add(i, pick("database"), cmdb.DependsOn, "")
	})
	each("it_service", func(i int) {
		for k := 0; k < 5; k++ {
			add(i, pick("application"), cmdb.DependsOn, "")
		}
	})
	each("business_service", func(i int) {
		for k := 0; k < 3; k++ {
			add(i, pick("it_service"), cmdb.DependsOn, "")
		}
		add(i, pick("application"), cmdb.DependsOn, "")
		add(i, pick("application"), cmdb.DependsOn, "")
	})
	return cis, rels
}
