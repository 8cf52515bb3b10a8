//! The words generated records are made of: regions and cities, brands, trades, names, titles,
//! remarks. Tables only; the sections of a record pick from them.

pub(crate) struct Region {
    pub(crate) name: &'static str,
    pub(crate) slug: &'static str,
    /// (city, pinyin slug, province prefix of the address)
    pub(crate) cities: &'static [(&'static str, &'static str, &'static str)],
}

pub(crate) const REGIONS: &[Region] = &[
    Region {
        name: "华东",
        slug: "east",
        cities: &[
            ("杭州", "hangzhou", "浙江省杭州市"),
            ("宁波", "ningbo", "浙江省宁波市"),
            ("温州", "wenzhou", "浙江省温州市"),
            ("上海", "shanghai", "上海市"),
            ("南京", "nanjing", "江苏省南京市"),
            ("苏州", "suzhou", "江苏省苏州市"),
            ("无锡", "wuxi", "江苏省无锡市"),
            ("合肥", "hefei", "安徽省合肥市"),
            ("济南", "jinan", "山东省济南市"),
            ("青岛", "qingdao", "山东省青岛市"),
            ("福州", "fuzhou", "福建省福州市"),
            ("厦门", "xiamen", "福建省厦门市"),
            ("南昌", "nanchang", "江西省南昌市"),
        ],
    },
    Region {
        name: "华北",
        slug: "north",
        cities: &[
            ("北京", "beijing", "北京市"),
            ("天津", "tianjin", "天津市"),
            ("石家庄", "shijiazhuang", "河北省石家庄市"),
            ("太原", "taiyuan", "山西省太原市"),
            ("呼和浩特", "hohhot", "内蒙古自治区呼和浩特市"),
        ],
    },
    Region {
        name: "华南",
        slug: "south",
        cities: &[
            ("广州", "guangzhou", "广东省广州市"),
            ("深圳", "shenzhen", "广东省深圳市"),
            ("东莞", "dongguan", "广东省东莞市"),
            ("佛山", "foshan", "广东省佛山市"),
            ("南宁", "nanning", "广西壮族自治区南宁市"),
            ("海口", "haikou", "海南省海口市"),
        ],
    },
    Region {
        name: "华中",
        slug: "central",
        cities: &[
            ("武汉", "wuhan", "湖北省武汉市"),
            ("长沙", "changsha", "湖南省长沙市"),
            ("郑州", "zhengzhou", "河南省郑州市"),
            ("宜昌", "yichang", "湖北省宜昌市"),
        ],
    },
    Region {
        name: "西南",
        slug: "southwest",
        cities: &[
            ("成都", "chengdu", "四川省成都市"),
            ("重庆", "chongqing", "重庆市"),
            ("昆明", "kunming", "云南省昆明市"),
            ("贵阳", "guiyang", "贵州省贵阳市"),
            ("绵阳", "mianyang", "四川省绵阳市"),
        ],
    },
    Region {
        name: "西北",
        slug: "northwest",
        cities: &[
            ("西安", "xian", "陕西省西安市"),
            ("兰州", "lanzhou", "甘肃省兰州市"),
            ("乌鲁木齐", "urumqi", "新疆维吾尔自治区乌鲁木齐市"),
            ("银川", "yinchuan", "宁夏回族自治区银川市"),
        ],
    },
    Region {
        name: "东北",
        slug: "northeast",
        cities: &[
            ("沈阳", "shenyang", "辽宁省沈阳市"),
            ("大连", "dalian", "辽宁省大连市"),
            ("长春", "changchun", "吉林省长春市"),
            ("哈尔滨", "harbin", "黑龙江省哈尔滨市"),
        ],
    },
    Region {
        name: "海外",
        slug: "overseas",
        cities: &[
            ("Singapore", "singapore", ""),
            ("Hamburg", "hamburg", ""),
            ("Casablanca", "casablanca", ""),
            ("Ho Chi Minh City", "saigon", ""),
            ("Sydney", "sydney", ""),
            ("Oslo", "oslo", ""),
            ("Dubai", "dubai", ""),
            ("Osaka", "osaka", ""),
        ],
    },
];

/// Weights of the regions (per mille), overseas last.
pub(crate) const REGION_WEIGHTS: &[usize] = &[300, 170, 160, 110, 100, 50, 50, 60];

pub(crate) const BRANDS: &[(&str, &str)] = &[
    ("华东", "huadong"),
    ("恒信", "hengxin"),
    ("京北", "jingbei"),
    ("燕山", "yanshan"),
    ("湘江", "xiangjiang"),
    ("天府", "tianfu"),
    ("山城", "shancheng"),
    ("华南", "huanan"),
    ("南粤", "nanyue"),
    ("黔南", "qiannan"),
    ("徽商", "huishang"),
    ("泉城", "quancheng"),
    ("春城", "chuncheng"),
    ("涪江", "fujiang"),
    ("赣江", "ganjiang"),
    ("金陵", "jinling"),
    ("绿城", "lvcheng"),
    ("港城", "gangcheng"),
    ("海湾", "haiwan"),
    ("申江", "shenjiang"),
    ("鹏城", "pengcheng"),
    ("前海", "qianhai"),
    ("冀中", "jizhong"),
    ("吴中", "wuzhong"),
    ("晋阳", "jinyang"),
    ("渤海", "bohai"),
    ("瓯江", "oujiang"),
    ("新华", "xinhua"),
    ("中天", "zhongtian"),
    ("宏达", "hongda"),
    ("远大", "yuanda"),
    ("长城", "changcheng"),
    ("东方", "dongfang"),
    ("瑞丰", "ruifeng"),
    ("永利", "yongli"),
    ("金桥", "jinqiao"),
    ("华信", "huaxin"),
    ("明珠", "mingzhu"),
    ("天成", "tiancheng"),
    ("鑫源", "xinyuan"),
    ("博远", "boyuan"),
    ("正泰", "zhengtai"),
    ("海纳", "haina"),
    ("九州", "jiuzhou"),
    ("康达", "kangda"),
    ("同仁", "tongren"),
    ("安泰", "antai"),
    ("百川", "baichuan"),
    ("汇通", "huitong"),
    ("嘉禾", "jiahe"),
    ("盛世", "shengshi"),
    ("华美", "huamei"),
    ("广源", "guangyuan"),
    ("聚隆", "julong"),
    ("德信", "dexin"),
    ("中联", "zhonglian"),
    ("兴业", "xingye"),
    ("恒通", "hengtong"),
    ("三和", "sanhe"),
    ("蓝海", "lanhai"),
    ("星河", "xinghe"),
    ("云帆", "yunfan"),
    ("龙腾", "longteng"),
    ("凯旋", "kaixuan"),
    ("国泰", "guotai"),
    ("福瑞", "furui"),
    ("宝华", "baohua"),
    ("鼎盛", "dingsheng"),
    ("金鹰", "jinying"),
    ("泰和", "taihe"),
    ("华夏", "huaxia"),
    ("东医", "dongyi"),
];

pub(crate) struct Industry {
    pub(crate) name: &'static str,
    pub(crate) slug: &'static str,
    pub(crate) english: &'static str,
    /// The part of a company name after the brand: 医药商业, 电子科技…
    pub(crate) phrases: &'static [&'static str],
    /// Job titles that fit the trade, beside the common ones.
    pub(crate) titles: &'static [&'static str],
}

pub(crate) const INDUSTRIES: &[Industry] = &[
    Industry {
        name: "医药",
        slug: "pharma",
        english: "Pharma",
        phrases: &["医药商业", "医药", "生物医药", "医疗器械", "药业"],
        titles: &["质量管理部经理", "药剂科主任", "冷链物流主管"],
    },
    Industry {
        name: "电子",
        slug: "electronics",
        english: "Electronics",
        phrases: &["电子科技", "电子", "微电子", "光电"],
        titles: &["研发中心副主任", "SMT 车间主任", "元器件采购工程师"],
    },
    Industry {
        name: "建材",
        slug: "building-materials",
        english: "Building Materials",
        phrases: &["建材", "新型建材", "建筑材料"],
        titles: &["项目经理", "工地材料员"],
    },
    Industry {
        name: "物流",
        slug: "logistics",
        english: "Logistics",
        phrases: &["物流", "供应链管理", "国际货运"],
        titles: &["仓储中心经理", "调度主管"],
    },
    Industry {
        name: "食品",
        slug: "foods",
        english: "Foods",
        phrases: &["食品", "食品贸易", "粮油"],
        titles: &["品控经理", "门店运营总监"],
    },
    Industry {
        name: "化工",
        slug: "chemical",
        english: "Chemicals",
        phrases: &["化工", "精细化工", "新材料"],
        titles: &["安环部经理", "生产厂长"],
    },
    Industry {
        name: "机电",
        slug: "mechatronics",
        english: "Machinery",
        phrases: &["机电", "机械", "重工", "自动化设备"],
        titles: &["设备主管", "技术总工"],
    },
    Industry {
        name: "纺织",
        slug: "textiles",
        english: "Textiles",
        phrases: &["纺织", "服饰", "印染"],
        titles: &["面料采购", "外贸部经理"],
    },
    Industry {
        name: "汽配",
        slug: "auto-parts",
        english: "Auto Parts",
        phrases: &["汽车零部件", "汽配"],
        titles: &["质量工程师", "主机厂配套经理"],
    },
    Industry {
        name: "零售",
        slug: "retail",
        english: "Retail",
        phrases: &["连锁商业", "超市", "商贸"],
        titles: &["品类经理", "门店运营总监"],
    },
    Industry {
        name: "能源",
        slug: "energy",
        english: "Energy",
        phrases: &["新能源", "能源科技", "光伏"],
        titles: &["电站运维经理", "项目开发总监"],
    },
    Industry {
        name: "软件",
        slug: "software",
        english: "Software",
        phrases: &["软件", "信息技术", "网络科技"],
        titles: &["CTO", "IT 运维经理"],
    },
];

pub(crate) const LEGAL_SUFFIXES: &[(&str, &str)] = &[
    ("有限公司", "limited"),
    ("有限公司", "limited"),
    ("有限公司", "limited"),
    ("股份有限公司", "joint_stock"),
    ("股份有限公司", "joint_stock"),
    ("集团有限公司", "limited"),
    ("有限责任公司", "limited"),
];

pub(crate) const EN_PREFIXES: &[&str] = &[
    "Atlas",
    "Nordic",
    "Pacific Rim",
    "Harbor",
    "Rheinland",
    "Saigon",
    "Meridian",
    "Summit",
    "Evergreen",
    "Crescent",
    "Orion",
    "Baltic",
    "Sierra",
    "Aurora",
    "Cedar",
    "Lakeside",
];
pub(crate) const EN_SUFFIXES: &[&str] = &["Ltd.", "GmbH", "S.A.", "Pte. Ltd.", "Inc.", "AS", "LLC"];
pub(crate) const EN_SECOND: &[&str] =
    &["Distribution", "Trading", "Supplies", "Industries", "Group"];

pub(crate) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "叶", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭",
    "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾",
    "欧阳", "司马", "上官",
];
pub(crate) const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀英", "霞", "平", "刚", "桂英", "建国", "晓东", "丽萍", "国平", "志强", "海燕", "红梅",
    "建华", "文斌", "晓", "倩", "骏", "冬", "婷", "雪", "鹏", "宇", "浩", "琳", "欣然", "子涵",
    "思远", "立新", "雅琴", "振华", "俊杰", "春花", "永刚", "明远", "建军", "佳", "丽", "慧", "晨",
];
pub(crate) const EN_FIRST: &[&str] = &[
    "Emily", "David", "Lisa", "Michael", "Sara", "Youssef", "Anna", "Lars", "Minh", "Olivia",
    "Hans", "Fatima", "Kenji", "Grace", "Tom",
];
pub(crate) const EN_LAST: &[&str] = &[
    "Zhao", "Chen", "Wang", "Benali", "Idrissi", "Larsen", "Nguyen", "Schmidt", "Tanaka", "Smith",
    "Haddad", "Berg", "Tran", "Meyer", "Lee",
];

pub(crate) const COMMON_TITLES: &[&str] = &[
    "总经理",
    "董事长",
    "采购总监",
    "采购经理",
    "财务总监",
    "副总经理",
    "供应链总监",
    "运营经理",
];
pub(crate) const EN_TITLES: &[&str] = &[
    "Managing Director",
    "Purchasing Director",
    "Head of Procurement",
    "Finance Manager",
    "Operations Manager",
];
pub(crate) const TAGS: &[&str] = &[
    "重点客户",
    "战略合作",
    "集团客户",
    "经销商",
    "连锁",
    "出口",
    "项目制",
    "价格敏感",
    "账期长",
    "新客户",
    "政府采购",
    "地产链",
];
pub(crate) const DISTRICTS: &[&str] = &[
    "高新区",
    "经济开发区",
    "滨江区",
    "工业园区",
    "新区",
    "保税区",
    "临港新城",
    "城东区",
];
pub(crate) const ROADS: &[&str] = &[
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "科技路",
    "创业大道",
    "长江路",
    "黄河路",
    "莫干山路",
    "世纪大道",
];
pub(crate) const LEAD_SOURCES: &[&str] = &[
    "行业展会",
    "老客户转介绍",
    "招标公告",
    "电话拜访",
    "官网询盘",
];
pub(crate) const REMARKS: &[&str] = &[
    "付款记录一贯良好，账期内回款。",
    "近期有一笔货款延迟，需要跟进回款计划。",
    "客户计划明年扩大产能，采购量预计增长两成。",
    "竞争对手正在接触该客户，谈判时注意价格条款。",
    "质量部对到货检验提出了新的要求，已安排技术交流。",
    "对方采购流程较长，需提前一个季度报价。",
    "年度框架协议明年到期，续签前先做满意度回访。",
    "客户的 ERP 系统上线后，订单改为线上下达。",
    "物流时效是客户最关心的问题，旺季要提前备货。",
    "财务要求发票与送货单一一对应，开票时注意核对。",
];
pub(crate) const EN_REMARKS: &[&str] = &[
    "Payments have always arrived on time.",
    "They asked for a quarterly business review with our product team.",
    "A competitor is courting them; keep the price terms in view.",
    "Their procurement cycle is long, so quotes go out a quarter ahead.",
    "Shipping lead time matters most to them in the peak season.",
];
pub(crate) const CHURN_REASONS: &[(&str, &str)] = &[
    ("price", "竞争对手报价更低"),
    ("product", "新产品线不符合其技术要求"),
    ("service", "售后响应太慢"),
    ("market", "客户自身业务收缩"),
    ("technology", "客户改用新工艺，不再需要我们的产品"),
    ("organization", "客户新任采购负责人引入了自己的供应商"),
];
pub(crate) const WARNINGS: &[&str] = &[
    "late_payments",
    "changing_pay_dates",
    "large_payments_delayed",
    "order_drop",
    "supplier_switch",
    "sales_swing",
    "inventory_swing",
    "negative_rumors",
    "staff_departures",
    "low_morale",
];
