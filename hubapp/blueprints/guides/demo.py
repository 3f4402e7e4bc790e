"""Demo guides: the first batch of 8 high-frequency matters, one per category, written as a
careful clerk would and marked as demo content (示例内容) on every page and print.

Legal bases name real national laws and regulations; local policy documents are described, not
invented, and every guide says to check the current document at the window."""

from dataclasses import replace
from datetime import timedelta

from hubapp import clock
from hubapp.blueprints.guides import writing
from hubapp.blueprints.guides.content import GuideContent, Material, Question, Step
from hubapp.blueprints.guides.models import GuideFeedback, GuideViewCount
from hubapp.extensions import db

HALL = "蓝色创业谷产业社区党群服务中心一层便民服务大厅（威海南海新区蓝色创业谷1号楼）"
HOURS = "周一至周五 上午9:00–12:00，下午13:30–17:00（法定节假日除外）"
COMPLAINT = "0631-12345"
CENTRE_EXTRA = [
    "材料预审：来之前可将材料照片发给窗口或到大厅“帮办代办”席预审，缺什么一次性告知。",
    "帮办代办：中心工作人员可陪同办理，对首次办理的企业全程辅导。",
    "免费复印、打印和自助终端，大厅设有企业服务直通车登记台，其他诉求可当场登记、限时答复。",
]


GUIDES = [
    (
        "qy-bg",
        GuideContent(
            name="企业变更登记（名称、住所、法定代表人、经营范围等）",
            category="enterprise",
            matter_type="instant",
            department="南海新区市场监督管理局",
            window="便民服务大厅 登记注册窗口（1、2号）",
            service_object="legal",
            legal_basis="《中华人民共和国市场主体登记管理条例》（国务院令第746号）第二十四条、第二十五条；"
            "《中华人民共和国市场主体登记管理条例实施细则》（国家市场监督管理总局令第52号）第三十一条至第三十八条。",
            conditions="已在本登记机关登记的有限责任公司、股份有限公司及其分公司\n"
            "变更事项已依照法律和公司章程作出决议或决定\n"
            "变更后的名称、住所、经营范围等符合登记规定，涉及许可经营项目的已取得或承诺取得许可",
            materials=[
                Material("市场主体变更登记申请书", notes="法定代表人签字，加盖公司公章；可在窗口或网上系统填写打印"),
                Material("股东会决议或股东决定", notes="按章程规定的表决方式作出，全体到会股东签字（盖章）"),
                Material("章程修正案或修改后的章程", required=False, notes="变更事项涉及章程记载内容的提交"),
                Material("新住所使用证明", "copy", required=False, notes="变更住所时提交：不动产权证书或租赁合同及产权证明，复印件需核对原件"),
                Material("新任法定代表人的任职文件和身份证件", "copy", required=False, notes="变更法定代表人时提交，由股东会或董事会按章程产生"),
                Material("营业执照正本和全部副本", notes="领取新执照时交回"),
                Material("经办人身份证件", notes="非法定代表人本人办理的，另附加盖公章的授权委托书"),
            ],
            steps=[
                Step("网上申报或窗口取号", "可通过山东省市场主体登记全程电子化平台申报；现场办理请在自助机取“登记注册”号"),
                Step("窗口审核", "材料齐全、符合法定形式的当场登记"),
                Step("领取营业执照", "当场领取新营业执照，或选择免费邮寄"),
                Step("后续同步变更", "登记信息自动推送税务、社保等部门；银行账户、公章等需企业另行办理"),
            ],
            legal_limit_days=3,
            promised_limit_days=0,
            fee_free=True,
            place=HALL + " 1、2号窗口",
            office_hours=HOURS,
            consult_phone="0631-3981008",
            complaint_phone=COMPLAINT,
            online_url="https://wsdj.amr.shandong.gov.cn",
            result_delivery="换发的营业执照（变更名称、住所、法定代表人、注册资本、经营范围等执照记载事项时）；窗口领取或免费邮寄。",
            faq=[
                Question("变更住所跨出南海新区怎么办？", "迁入地登记机关办理住所变更登记，本窗口可协助查询迁入地要求。"),
                Question("股东会决议一定要全体股东签字吗？", "按公司章程规定的表决方式和比例作出即可，但到会股东需签字（盖章）。"),
            ],
            tips="变更事项应自作出变更决议或决定之日起30日内申请，超期可能被责令改正。\n"
            "名称变更请先在系统中自主申报名称，确认无重名、近似。\n"
            "决议、章程修正案上的变更内容须与申请书一字不差，常见错误是经营范围用语与规范表述不一致。\n"
            "请带齐营业执照正本和全部副本，缺一本无法换发新执照。",
            value_added="\n".join(CENTRE_EXTRA + ["变更后提醒：中心按清单提示企业同步变更银行账户、社保、公积金、海关等登记。"]),
        ),
    ),
    (
        "fp-sl",
        GuideContent(
            name="发票领用及数电发票开票额度调整",
            category="tax",
            matter_type="instant",
            department="国家税务总局威海南海新区税务局",
            window="便民服务大厅 税务综合窗口（5、6号）",
            service_object="legal",
            legal_basis="《中华人民共和国发票管理办法》（2023年7月20日国务院令第764号修订）第十五条、第十六条；"
            "《中华人民共和国发票管理办法实施细则》（国家税务总局令第56号修改）第十五条。",
            conditions="已办理登记信息确认并完成实名认证的纳税人\n"
            "无未处理的税收违法行为和逾期未申报记录\n"
            "领用纸质发票的，已刻制发票专用章",
            materials=[
                Material("经办人身份证件", notes="经办人须在电子税务局完成实名认证并获得办税授权"),
                Material("发票专用章印模", required=False, notes="首次领用纸质发票时提供"),
                Material("调整开票额度情况说明及业务合同", "copy", required=False, notes="申请临时调增数电发票开票额度时提供，加盖公章"),
            ],
            steps=[
                Step("电子税务局申请", "登录山东省电子税务局，“我要办税—发票使用—发票票种核定/开票额度调整”"),
                Step("税务机关确认", "符合条件的即时确认；需核实的由窗口联系企业"),
                Step("开具或领取发票", "数电发票在电子发票服务平台直接开具；纸质发票可自助终端领取或邮寄"),
            ],
            legal_limit_days=5,
            promised_limit_days=0,
            fee_free=True,
            place=HALL + " 5、6号窗口",
            office_hours=HOURS,
            consult_phone="0631-3981005",
            complaint_phone=COMPLAINT,
            online_url="https://etax.shandong.chinatax.gov.cn",
            result_delivery="电子税务局推送办理结果；纸质发票现场领取或邮寄送达。",
            faq=[
                Question("新办企业多久能开出第一张发票？", "完成登记信息确认和实名认证后，即可在电子税务局申请，一般当天可开具数电发票。"),
                Question("月底开票额度不够用怎么办？", "可在电子税务局申请临时调增额度，并上传相关合同，窗口当日处理。"),
            ],
            tips="办理前请确认法定代表人、财务负责人、办税人员均已在个人所得税App或电子税务局完成实名认证。\n"
            "常见错误：经办人未被企业授权办税，现场无法操作，请提前在电子税务局“账户中心”添加办税人员。\n"
            "有逾期未申报记录的需先补申报，否则无法领用发票。",
            value_added="\n".join(CENTRE_EXTRA + ["每月“税企联动”活动现场答疑开票、申报问题，可在中心报名。"]),
        ),
    ),
    (
        "sb-xz",
        GuideContent(
            name="新招用职工社会保险参保登记",
            category="social_insurance",
            matter_type="instant",
            department="南海新区人力资源和社会保障局（社会保险服务）",
            window="便民服务大厅 人社综合窗口（7号）",
            service_object="legal",
            legal_basis="《中华人民共和国社会保险法》第五十七条、第五十八条；《社会保险费征缴暂行条例》（国务院令第259号）第八条。",
            conditions="单位已办理社会保险登记\n新招用职工已与单位建立劳动关系\n自用工之日起30日内申请",
            materials=[
                Material("职工有效身份证件", "copy", notes="外籍人员提供护照及工作许可证件"),
                Material("职工参保登记信息表", notes="单位盖章，写明用工日期、缴费工资"),
                Material("劳动合同", "copy", required=False, notes="补办以前月份参保时提供，用于核实用工时间"),
            ],
            steps=[
                Step("网上办理（推荐）", "登录山东省人力资源和社会保障网上服务平台，“单位网厅—人员增加”"),
                Step("窗口办理", "携带材料到7号窗口，当场录入"),
                Step("缴费", "参保次月起由税务部门随单位社保费一并征收"),
            ],
            legal_limit_days=None,
            promised_limit_days=0,
            fee_free=True,
            place=HALL + " 7号窗口",
            office_hours=HOURS,
            consult_phone="0631-3981007",
            complaint_phone=COMPLAINT,
            online_url="https://www.sdrs.com.cn",
            result_delivery="网上办理即时显示结果；职工可在“爱山东”App查询参保信息。",
            faq=[
                Question("试用期员工要参保吗？", "要。试用期包含在劳动合同期限内，自用工之日起30日内参保。"),
                Question("职工在外地已有参保记录怎么办？", "先办理本地参保，再按规定申请转移接续，窗口可指导操作。"),
            ],
            tips="用工之日起30日内办理，超期会影响职工工伤待遇，单位将承担相应责任。\n"
            "缴费工资按职工上年度月平均工资申报，不得低于缴费基数下限。\n"
            "常见错误：身份证号码或姓名录入错误，提交前请与证件逐字核对。",
            value_added="\n".join(CENTRE_EXTRA + ["“引才用工”活动为企业发布招聘信息，新招职工可参加中心组织的岗前政策讲解。"]),
        ),
    ),
    (
        "gjj-dj",
        GuideContent(
            name="单位住房公积金缴存登记及职工账户设立",
            category="housing_fund",
            matter_type="instant",
            department="威海市住房公积金管理中心南海新区管理部",
            window="便民服务大厅 住房公积金窗口（8号）",
            service_object="legal",
            legal_basis="《住房公积金管理条例》（2019年3月24日国务院令第710号修订）第十三条、第十四条、第十五条。",
            conditions="单位已依法设立并取得营业执照\n单位自设立之日起30日内办理缴存登记\n新录用职工自录用之日起30日内办理账户设立",
            materials=[
                Material("住房公积金单位缴存登记表", notes="加盖单位公章"),
                Material("营业执照", "copy", notes="加盖公章，核对原件"),
                Material("法定代表人身份证件", "copy"),
                Material("经办人身份证件及授权委托书", notes="委托书加盖公章"),
                Material("职工花名册", "electronic", notes="含姓名、身份证号、月缴存基数，Excel格式"),
            ],
            steps=[
                Step("缴存登记", "单位网厅或窗口提交登记材料，当场审核"),
                Step("设立职工账户", "按花名册批量设立个人账户"),
                Step("签订委托收款协议", "约定每月从单位账户划转缴存"),
            ],
            legal_limit_days=None,
            promised_limit_days=0,
            fee_free=True,
            place=HALL + " 8号窗口",
            office_hours=HOURS,
            consult_phone="0631-12329",
            complaint_phone=COMPLAINT,
            online_url="https://www.whgjj.org.cn",
            result_delivery="当场出具单位登记号；职工可通过“威海公积金”公众号查询个人账户。",
            faq=[
                Question("缴存比例怎么定？", "单位和职工缴存比例均不低于5%、不高于12%，由单位在范围内确定。"),
                Question("小微企业可以申请降低比例吗？", "生产经营困难的可按规定申请降低缴存比例或缓缴，窗口可提供申请指引。"),
            ],
            tips="花名册身份证号须与证件一致，常见错误是X写成小写或多出空格。\n"
            "缴存基数为职工上一年度月平均工资，新入职职工按首月工资确定。\n"
            "请提前开通单位对公账户，委托收款协议需要账号信息。",
            value_added="\n".join(CENTRE_EXTRA),
        ),
    ),
    (
        "rc-gy",
        GuideContent(
            name="人才公寓入住申请",
            category="talent",
            matter_type="promised",
            department="南海新区党工委党群工作部（人才服务）",
            window="便民服务大厅 人才服务窗口（9号）",
            service_object="person",
            legal_basis="南海新区人才公寓管理有关规定（以窗口公布的现行文件为准）。",
            conditions="在南海新区注册并实际经营的企业、科研机构引进的人才\n"
            "与用人单位签订1年以上劳动合同并在新区缴纳社会保险\n"
            "本人及配偶在威海市区无自有住房",
            materials=[
                Material("人才公寓入住申请表", notes="用人单位签署推荐意见并盖章"),
                Material("申请人身份证件", "copy"),
                Material("学历学位证书或专业技术职称证书", "copy", notes="国（境）外学历需提供教育部留学服务中心认证"),
                Material("劳动合同", "copy"),
                Material("近3个月社会保险缴费证明", notes="可在“爱山东”App下载打印"),
                Material("不动产登记信息查询结果", notes="申请人及配偶，不动产登记中心出具"),
                Material("婚姻状况证明", "copy", required=False, notes="申请家庭户型时提供结婚证"),
            ],
            steps=[
                Step("单位推荐", "用人单位审核并在申请表签署推荐意见"),
                Step("窗口受理", "材料齐全当场受理，出具受理回执"),
                Step("资格审核与公示", "审核通过后在中心公示5个工作日"),
                Step("选房入住", "按审核顺序通知选房，签订租赁合同后入住"),
            ],
            legal_limit_days=None,
            promised_limit_days=10,
            fee_free=False,
            fee_basis="人才公寓实行有偿租赁，租金标准以新区公布的当期价格为准。",
            fee_amount="按月缴纳租金，符合条件的人才可按规定享受租金减免",
            place=HALL + " 9号窗口",
            office_hours=HOURS,
            consult_phone="0631-3981001",
            complaint_phone=COMPLAINT,
            result_delivery="审核结果短信通知，并在中心公示栏公示。",
            faq=[
                Question("可以和同事合住吗？", "可以，同一单位的申请人可申请合住户型，需分别提交申请。"),
                Question("入住期限多长？", "一般不超过3年，期满仍符合条件的可申请续租一次。"),
            ],
            tips="不动产登记查询结果需申请人和配偶两人的，常见错误是只查了本人。\n"
            "社保缴费证明须显示南海新区参保单位，在外地缴纳的不符合条件。\n"
            "申请表单位推荐意见须加盖公章，签字不能代替。",
            value_added="\n".join(CENTRE_EXTRA + ["入住后可预约中心健身房、文化活动室，参加青年人才联谊活动。"]),
        ),
    ),
    (
        "xm-bz",
        GuideContent(
            name="科技创新项目扶持资金申报",
            category="project",
            matter_type="promised",
            department="南海新区科技工信局",
            window="便民服务大厅 惠企政策兑现窗口（10号）",
            service_object="legal",
            legal_basis="《中华人民共和国促进科技成果转化法》；山东省、威海市及南海新区当年度科技创新扶持政策和申报通知（以发布的申报通知为准）。",
            conditions="在南海新区注册、依法纳税、具有独立法人资格的企业\n"
            "申报项目符合当年度申报通知规定的支持方向\n"
            "近三年无严重失信行为，未因同一项目获得其他财政资金重复支持",
            materials=[
                Material("项目申报书", notes="按当年度申报通知模板填写，加盖公章"),
                Material("营业执照", "copy"),
                Material("上年度财务审计报告", "copy"),
                Material("研发费用专项审计报告或研发费用加计扣除申报表", "copy"),
                Material("知识产权证明材料", "copy", required=False, notes="专利证书、软件著作权登记证书等"),
                Material("信用承诺书", notes="法定代表人签字并加盖公章"),
                Material("申报材料电子版", "electronic", notes="PDF格式，与纸质材料一致"),
            ],
            steps=[
                Step("关注申报通知", "中心“政策推送”活动和公众号发布当年度通知"),
                Step("材料预审", "申报截止前到窗口或通过中心预审"),
                Step("正式申报", "按通知在申报系统提交并报送纸质材料"),
                Step("形式审查", "承诺时限内完成形式审查并告知结果"),
                Step("专家评审与公示", "通过后拨付资金"),
            ],
            legal_limit_days=None,
            promised_limit_days=15,
            fee_free=True,
            place=HALL + " 10号窗口",
            office_hours=HOURS,
            consult_phone="0631-3981003",
            complaint_phone=COMPLAINT,
            result_delivery="形式审查结果电话告知；评审结果在新区门户网站公示。",
            faq=[
                Question("一个项目能同时申报多个资金吗？", "同一项目不得重复申报同类财政资金，申报时需如实说明其他资金支持情况。"),
                Question("审计报告必须是哪一年的？", "以申报通知要求为准，一般为上一会计年度。"),
            ],
            tips="承诺时限自材料齐全受理之日起计算，截止前一周为申报高峰，请尽早预审。\n"
            "常见错误：申报书中的研发投入数据与审计报告不一致。\n"
            "纸质材料需逐页编页码，左侧装订，复印件加盖公章。",
            value_added="\n".join(CENTRE_EXTRA + ["“政策推送”专场由科技工信局工作人员讲解申报要点，可在中心报名。"]),
        ),
    ),
    (
        "rz-db",
        GuideContent(
            name="中小微企业融资担保申请",
            category="finance",
            matter_type="promised",
            department="南海新区财政金融局（合作政府性融资担保机构承办）",
            window="便民服务大厅 金融服务窗口（11号）",
            service_object="legal",
            legal_basis="《融资担保公司监督管理条例》（国务院令第683号）；"
            "《国务院办公厅关于有效发挥政府性融资担保基金作用切实支持小微企业和“三农”发展的指导意见》（国办发〔2019〕6号）。",
            conditions="在南海新区注册经营的中小微企业\n生产经营正常，贷款用途真实合规\n企业及实际控制人无恶意逃废债等不良信用记录",
            materials=[
                Material("融资担保申请书", notes="写明金额、期限、用途，加盖公章"),
                Material("营业执照及公司章程", "copy"),
                Material("近两年及最近一期财务报表", "copy"),
                Material("近一年纳税证明", "copy", notes="电子税务局打印"),
                Material("法定代表人、实际控制人身份证件及征信查询授权书", notes="授权书本人签字"),
                Material("贷款用途证明材料", "copy", notes="购销合同、订单等"),
                Material("反担保资料", "copy", required=False, notes="担保机构要求提供反担保时提交"),
            ],
            steps=[
                Step("需求登记", "窗口或“银企对接”活动登记融资需求"),
                Step("担保机构受理", "材料齐全后受理并开展尽职调查"),
                Step("审批出具担保意向", "承诺时限内出具审批意见"),
                Step("银行放款", "签订担保合同后由合作银行放款"),
            ],
            legal_limit_days=None,
            promised_limit_days=15,
            fee_free=False,
            fee_basis="《国务院办公厅关于有效发挥政府性融资担保基金作用切实支持小微企业和“三农”发展的指导意见》（国办发〔2019〕6号）。",
            fee_amount="担保费按担保金额年化不超过1%收取，以担保合同约定为准",
            place=HALL + " 11号窗口",
            office_hours=HOURS,
            consult_phone="0631-3981004",
            complaint_phone=COMPLAINT,
            result_delivery="审批结果书面通知；担保合同现场签订。",
            faq=[
                Question("没有抵押物可以申请吗？", "可以。政府性融资担保以信用担保为主，是否需要反担保由担保机构视情况确定。"),
                Question("担保费能减免吗？", "符合条件的小微企业可享受担保费补贴，窗口可协助申请。"),
            ],
            tips="财务报表须与纳税申报数据一致，差异过大将影响审批。\n"
            "常见错误：贷款用途写“流动资金”过于笼统，请附上具体订单或合同。\n"
            "实际控制人与法定代表人不是同一人的，两人都需签署征信授权书。",
            value_added="\n".join(CENTRE_EXTRA + ["每月“银企对接”活动邀请合作银行现场对接，融资需求登记后全程跟踪到放款。"]),
        ),
    ),
    (
        "gs-hs",
        GuideContent(
            name="职工个人所得税综合所得年度汇算（单位代办）",
            category="personal_tax",
            matter_type="instant",
            department="国家税务总局威海南海新区税务局",
            window="便民服务大厅 税务综合窗口（5、6号）",
            service_object="both",
            legal_basis="《中华人民共和国个人所得税法》第二条、第六条、第十条、第十一条；"
            "《中华人民共和国个人所得税法实施条例》第二十五条、第三十条；国家税务总局当年度综合所得汇算清缴公告。",
            conditions="职工上一纳税年度取得综合所得且需要办理年度汇算\n"
            "职工在4月30日前书面确认委托单位代办\n"
            "办理时间为每年3月1日至6月30日",
            materials=[
                Material("职工委托单位代办的书面确认", notes="可在个人所得税App确认，或签署纸质确认书"),
                Material("专项附加扣除信息", "electronic", notes="子女教育、住房贷款利息、赡养老人等，由职工在App填报或提供给单位"),
                Material("其他收入和扣除凭证", "copy", required=False, notes="职工有劳务报酬、稿酬或个人养老金等扣除时提供"),
            ],
            steps=[
                Step("职工确认委托", "单位通过扣缴客户端发起，职工在App确认"),
                Step("单位核对填报", "核对收入、扣除，补充专项附加扣除信息"),
                Step("申报与退补税", "通过自然人电子税务局（扣缴端）申报；退税直接退至职工银行卡"),
            ],
            legal_limit_days=None,
            promised_limit_days=0,
            fee_free=True,
            place=HALL + " 5、6号窗口",
            office_hours=HOURS,
            consult_phone="0631-3981005",
            complaint_phone="0631-12366",
            online_url="https://etax.chinatax.gov.cn",
            result_delivery="申报结果在个人所得税App“查询”中显示；退税到账以银行入账为准。",
            faq=[
                Question("哪些职工不需要办理汇算？", "年度综合所得收入不超过12万元且需要补税，或补税金额不超过400元的，无需办理。"),
                Question("职工离职了还能由单位代办吗？", "离职职工可自行办理，或委托其他单位或个人办理。"),
            ],
            tips="请在4月30日前收齐职工书面确认，逾期未确认的职工需自行办理。\n"
            "常见错误：职工银行卡未在App中绑定或已注销，导致退税失败。\n"
            "3月上中旬为预约办理期，请按税务部门公布的预约时间办理，避免系统拥堵。",
            value_added="\n".join(CENTRE_EXTRA + ["“税企联动”活动在3月举办年度汇算专场，现场辅导财务人员操作扣缴客户端。"]),
        ),
    ),
]


def seed(ctx) -> None:
    actor = ctx.users.get("staff")
    matters = []
    for code, content in GUIDES:
        matter = writing.create_matter(actor, code, content, is_demo=True)
        writing.publish(actor, matter)
        matters.append(matter)
    # One guide with a second version, so that staff can see a difference between versions.
    first = matters[0]
    writing.update_matter(
        actor, first, replace(GuideContent.of(first), office_hours=HOURS + "；周六上午9:00–12:00延时服务")
    )
    writing.publish(actor, first)
    # One guide past its review date, so that the staff home page shows the reminder.
    matters[4].reviewed_at = clock.now() - timedelta(days=200)
    # Views and feedback of the past weeks: history, which no service writes with past dates.
    today = clock.today()
    for matter in matters:
        for back in range(30):
            views = ctx.rng.randrange(0, 25)
            if views:
                db.session.add(GuideViewCount(matter_id=matter.id, day=today - timedelta(days=back), count=views))
    for matter, helpful, comment in [
        (matters[1], True, "材料写得很清楚，一次就办好了。"),
        (matters[1], False, "希望写明额度调整一般多久能批下来。"),
        (matters[2], True, ""),
        (matters[4], True, "不动产查询要两个人都查，幸亏提前看了。"),
    ]:
        db.session.add(GuideFeedback(matter_id=matter.id, version_number=matter.published_number, helpful=helpful,
                                     comment=comment, created_at=clock.now() - timedelta(days=ctx.rng.randrange(1, 20))))  # fmt: skip
    db.session.flush()
