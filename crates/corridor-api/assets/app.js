/* Corridor dashboard: plain ES2020, no dependencies, no build step.
 *
 * The routes and their JSON are in docs/dashboard-api.md. Amounts arrive as decimal
 * strings of minor units; every amount shown as text is formatted from the string (or a
 * BigInt), never through a float. Numbers are used only for chart geometry.
 *
 * Test hooks (tests/browser/dashboard.mjs relies on them): <svg data-chart="..."> per
 * chart, <rect class="bar"> per data bar, <table data-table="accounts"> with
 * <tr data-party>, #lang, #token, #signin, #signout, <section data-page="...">.
 */
(() => {
  'use strict';

  // ---------------------------------------------------------------------------------
  // Constants

  const PAGES = ['overview', 'partners', 'sectors', 'crossings', 'settlement', 'accounts'];
  const ROLE_PAGES = {
    admin: PAGES,
    operator: PAGES,
    analyst: ['overview', 'partners', 'sectors', 'crossings'],
    participant: ['accounts'],
  };
  const TOKEN_KEY = 'corridor.token';
  const LANG_KEY = 'corridor.lang';
  const LANGS = ['en', 'fa', 'ar'];
  const RTL = { en: false, fa: true, ar: true };
  const YEARS_SHOWN = 10;
  const ACCOUNTS_SHOWN = 500;

  const MONTHS = {
    en: ['Farvardin', 'Ordibehesht', 'Khordad', 'Tir', 'Mordad', 'Shahrivar',
      'Mehr', 'Aban', 'Azar', 'Dey', 'Bahman', 'Esfand'],
    fa: ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور',
      'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'],
  };
  MONTHS.ar = MONTHS.fa;

  // Digits and separators per language (what Intl.NumberFormat gives for en-US, fa-IR and
  // ar-IQ), applied to strings so that no amount goes through a float.
  const NUM = {
    en: { digits: null, group: ',', decimal: '.', percent: '%', minus: '-', plus: '+' },
    fa: { digits: '۰۱۲۳۴۵۶۷۸۹', group: '٬', decimal: '٫', percent: '٪', minus: '\u200e−', plus: '\u200e+' },
    ar: { digits: '٠١٢٣٤٥٦٧٨٩', group: '٬', decimal: '٫', percent: '٪\u061c', minus: '\u061c-', plus: '\u061c+' },
  };

  // ---------------------------------------------------------------------------------
  // Strings

  const I18N = {
    en: {
      tagline: 'Clearing house and trade monitor',
      skip: 'Skip to content',
      language: 'Language',
      signout: 'Sign out',
      nav: 'Pages',
      footer: 'Amounts in tables are exact; chart labels are rounded.',
      nav_overview: 'Overview', nav_partners: 'Partners', nav_sectors: 'Sectors',
      nav_crossings: 'Crossings', nav_settlement: 'Settlement', nav_accounts: 'Accounts',
      signin_title: 'Sign in',
      signin_intro: 'Paste the bearer token an administrator gave you. It is kept in this browser tab only and forgotten when the tab closes.',
      token_label: 'Bearer token',
      signin: 'Sign in',
      signing_in: 'Signing in…',
      token_missing: 'Paste a token first.',
      signed_in_as: 'Signed in as {role}',
      role_admin: 'Administrator', role_operator: 'Operator', role_analyst: 'Analyst', role_participant: 'Participant',
      loading: 'Loading…',
      no_data: 'No figures for this selection.',
      not_allowed: 'The {page} page is not available to the {role} role.',
      net_error: 'Cannot reach the service ({msg}).',
      bad_answer: 'The service gave an answer the dashboard cannot read.',
      year: 'Year', flow: 'Flow', top: 'Show', currency: 'Currency',
      flow_export: 'Exports', flow_import: 'Imports', flow_total: 'Total trade',
      trade_all: 'goods and services', trade_goods: 'goods', trade_services: 'services',
      pair: '{reporter} ⇄ {partner}',
      ov_sub: '{pair} · {flow} · Solar Hijri year {year}',
      kpi_year: 'Trade in {year}',
      kpi_prev: 'Trade in {year}',
      kpi_growth: 'Year-on-year growth',
      kpi_growth_note: '{from}–{to}, {year} against {prev}',
      kpi_records: 'Monthly records',
      kpi_records_note: 'latest: {month}',
      kpi_none: 'none yet',
      months_count: '{n} of 12 months',
      partial: 'partial',
      targets: 'Targets',
      no_targets: 'No targets are set.',
      t_so_far: 'So far', t_amount: 'Target', t_remaining: 'Remaining', t_needed: 'Needed per month',
      t_open: 'Months left', t_runrate: 'Run-rate projection', t_forecast: 'Forecast projection',
      t_as_of: 'As of', t_span: 'Period',
      t_progress: '{pct} of {amount}',
      status_met: 'Met', status_missed: 'Missed', status_on_track: 'On track', status_behind: 'Behind', status_no_data: 'No data',
      monthly_title: 'Trade by Iranian month',
      monthly_desc: 'Solar Hijri months of {year} against {prev}, US dollars',
      record_mark: 'record',
      months_title: 'Months of {year}',
      records_title: 'Records',
      records_desc: 'Monthly records of the whole history, newest first',
      col_month: 'Month', col_value: 'Value', col_prev: 'Previous year', col_growth: 'Growth', col_record: 'Record', col_source: 'Source',
      col_rank: 'Rank', col_partner: 'Partner', col_share: 'Share', col_share_world: 'Share of world',
      col_sector: 'Sector', col_crossing: 'Crossing',
      pa_sub: 'Largest partners of {reporter} · {flow} · {period}',
      pa_world: 'World: {value}',
      partners_chart: 'Partners by value',
      se_sub: '{pair} · {flow} · Solar Hijri year {year}',
      sectors_chart: 'Trade by sector',
      crossings_chart: 'Trade by border crossing',
      total: 'Total',
      unplaced: '{n} figures ({value}) could not be placed.',
      st_sub: 'Restricted pools, open reservations and the latest clearing cycles',
      pools_title: 'Restricted pools',
      pools_desc: 'Paid and left as of run {run}',
      pools_chart: 'Paid and left per pool',
      col_pool: 'Pool', col_owner: 'Owner', col_currency: 'Currency', col_amount: 'Amount', col_paid: 'Paid', col_left: 'Left',
      col_charged: 'Charged', col_unpaid: 'Unpaid eligible', col_run: 'Run', col_progress: 'Paid / left',
      legend_paid: 'Paid', legend_left: 'Left',
      pending_title: 'Pending reservations',
      pending_desc: 'Open two-phase transfers that debit a pool',
      col_id: 'ID', col_debit: 'Debit', col_credit: 'Credit', col_timeout: 'Timeout', col_time: 'Time',
      seconds: '{n} s', no_timeout: 'none',
      runs_title: 'Clearing cycles',
      runs_desc: 'Debt in, discharged and cash moved per run, oldest to newest',
      runs_chart: 'Clearing cycles',
      col_created: 'Run at', col_method: 'Method', col_parties: 'Parties', col_obligations: 'Obligations', col_posted: 'Posted',
      col_debt: 'Debt in', col_discharged: 'Discharged', col_cash: 'Cash moved', col_cross: 'Cash across the border', col_saved: 'Saved',
      saved_note: 'saved {pct}',
      yes: 'Yes', no: 'No',
      no_pools: 'No clearing run has used a pool yet.',
      no_pending: 'No pending reservations.',
      no_runs: 'No clearing runs yet.',
      method_pool: 'Pool-funded', method_setoff: 'Set-off', 'method_set-off': 'Set-off', method_bilateral: 'Bilateral netting',
      method_multilateral: 'Multilateral netting', 'method_setoff-liquidity': 'Set-off with liquidity',
      ac_sub_all: 'Every account in the ledger',
      ac_sub_party: 'Accounts of {party}',
      filter: 'Filter', filter_ph: 'Party, currency or ID',
      col_party: 'Party', col_code: 'Code', col_debits: 'Debits posted', col_credits: 'Credits posted',
      col_dpend: 'Debits pending', col_cpend: 'Credits pending', col_balance: 'Balance',
      shown: '{n} of {total} accounts',
      no_accounts: 'No accounts.',
      usd: 'US$',
      span_solar: 'Solar Hijri {years}', span_gregorian: 'Gregorian {years}',
      unit_tn: 'tn', unit_bn: 'bn', unit_m: 'm', unit_k: 'k',
    },
    fa: {
      tagline: 'اتاق پایاپای و پایش تجارت',
      skip: 'رفتن به محتوا',
      language: 'زبان',
      signout: 'خروج',
      nav: 'صفحه‌ها',
      footer: 'مبالغ جدول‌ها دقیق‌اند؛ برچسب‌های نمودار گرد شده‌اند.',
      nav_overview: 'نمای کلی', nav_partners: 'شرکای تجاری', nav_sectors: 'بخش‌ها',
      nav_crossings: 'گذرگاه‌ها', nav_settlement: 'تسویه', nav_accounts: 'حساب‌ها',
      signin_title: 'ورود',
      signin_intro: 'توکن دسترسی را که مدیر سامانه به شما داده است اینجا بچسبانید. توکن فقط در همین زبانهٔ مرورگر نگه داشته می‌شود و با بستن آن پاک می‌شود.',
      token_label: 'توکن دسترسی',
      signin: 'ورود',
      signing_in: 'در حال ورود…',
      token_missing: 'ابتدا توکن را وارد کنید.',
      signed_in_as: 'وارد شده به عنوان {role}',
      role_admin: 'مدیر', role_operator: 'متصدی تسویه', role_analyst: 'تحلیلگر', role_participant: 'مشارکت‌کننده',
      loading: 'در حال بارگذاری…',
      no_data: 'برای این انتخاب رقمی ثبت نشده است.',
      not_allowed: 'صفحهٔ «{page}» برای نقش «{role}» در دسترس نیست.',
      net_error: 'دسترسی به سرویس ممکن نیست ({msg}).',
      bad_answer: 'پاسخ سرویس قابل خواندن نیست.',
      year: 'سال', flow: 'جریان', top: 'تعداد', currency: 'ارز',
      flow_export: 'صادرات', flow_import: 'واردات', flow_total: 'کل تجارت',
      trade_all: 'کالا و خدمات', trade_goods: 'کالا', trade_services: 'خدمات',
      pair: '{reporter} ⇄ {partner}',
      ov_sub: '{pair} · {flow} · سال {year} هجری شمسی',
      kpi_year: 'تجارت {year}',
      kpi_prev: 'تجارت {year}',
      kpi_growth: 'رشد نسبت به سال قبل',
      kpi_growth_note: '{from} تا {to}، {year} در برابر {prev}',
      kpi_records: 'رکوردهای ماهانه',
      kpi_records_note: 'آخرین: {month}',
      kpi_none: 'هنوز ندارد',
      months_count: '{n} ماه از ۱۲ ماه',
      partial: 'ناقص',
      targets: 'اهداف',
      no_targets: 'هدفی تعیین نشده است.',
      t_so_far: 'تاکنون', t_amount: 'هدف', t_remaining: 'باقی‌مانده', t_needed: 'لازم در هر ماه',
      t_open: 'ماه‌های باقی‌مانده', t_runrate: 'برآورد با روند فعلی', t_forecast: 'برآورد پیش‌بینی',
      t_as_of: 'تا تاریخ', t_span: 'دوره',
      t_progress: '{pct} از {amount}',
      status_met: 'محقق شد', status_missed: 'محقق نشد', status_on_track: 'در مسیر', status_behind: 'عقب از برنامه', status_no_data: 'بدون داده',
      monthly_title: 'تجارت به تفکیک ماه شمسی',
      monthly_desc: 'ماه‌های {year} در برابر {prev}، به دلار آمریکا',
      record_mark: 'رکورد',
      months_title: 'ماه‌های {year}',
      records_title: 'رکوردها',
      records_desc: 'رکوردهای ماهانهٔ کل دوره، جدیدترین در ابتدا',
      col_month: 'ماه', col_value: 'ارزش', col_prev: 'سال قبل', col_growth: 'رشد', col_record: 'رکورد', col_source: 'منبع',
      col_rank: 'رتبه', col_partner: 'شریک', col_share: 'سهم', col_share_world: 'سهم از جهان',
      col_sector: 'بخش', col_crossing: 'گذرگاه',
      pa_sub: 'بزرگ‌ترین شرکای {reporter} · {flow} · {period}',
      pa_world: 'جهان: {value}',
      partners_chart: 'شرکا بر حسب ارزش',
      se_sub: '{pair} · {flow} · سال {year} هجری شمسی',
      sectors_chart: 'تجارت به تفکیک بخش',
      crossings_chart: 'تجارت به تفکیک گذرگاه مرزی',
      total: 'جمع',
      unplaced: '{n} رقم ({value}) قابل تخصیص نبود.',
      st_sub: 'حساب‌های محدود، رزروهای باز و آخرین دوره‌های پایاپای',
      pools_title: 'حساب‌های محدود',
      pools_desc: 'پرداخت‌شده و مانده تا دورهٔ {run}',
      pools_chart: 'پرداخت‌شده و مانده در هر حساب',
      col_pool: 'حساب', col_owner: 'مالک', col_currency: 'ارز', col_amount: 'مبلغ', col_paid: 'پرداخت‌شده', col_left: 'مانده',
      col_charged: 'معادل دریافتی', col_unpaid: 'واجد شرایط پرداخت‌نشده', col_run: 'دوره', col_progress: 'پرداخت‌شده / مانده',
      legend_paid: 'پرداخت‌شده', legend_left: 'مانده',
      pending_title: 'رزروهای در انتظار',
      pending_desc: 'انتقال‌های دومرحله‌ای باز که از یک حساب محدود برداشت می‌کنند',
      col_id: 'شناسه', col_debit: 'بدهکار', col_credit: 'بستانکار', col_timeout: 'مهلت', col_time: 'زمان',
      seconds: '{n} ثانیه', no_timeout: 'بدون مهلت',
      runs_title: 'دوره‌های پایاپای',
      runs_desc: 'بدهی ورودی، تسویه‌شده و وجه جابه‌جاشده در هر دوره، از قدیم به جدید',
      runs_chart: 'دوره‌های پایاپای',
      col_created: 'زمان اجرا', col_method: 'روش', col_parties: 'طرف‌ها', col_obligations: 'تعهدات', col_posted: 'ثبت‌شده',
      col_debt: 'بدهی ورودی', col_discharged: 'تسویه‌شده', col_cash: 'وجه جابه‌جاشده', col_cross: 'وجه برون‌مرزی', col_saved: 'صرفه‌جویی',
      saved_note: 'صرفه‌جویی {pct}',
      yes: 'بله', no: 'خیر',
      no_pools: 'هنوز هیچ دورهٔ پایاپایی از حساب محدود استفاده نکرده است.',
      no_pending: 'رزرو در انتظاری وجود ندارد.',
      no_runs: 'هنوز دورهٔ پایاپایی اجرا نشده است.',
      method_pool: 'با حساب محدود', method_setoff: 'تهاتر', 'method_set-off': 'تهاتر', method_bilateral: 'خالص‌سازی دوجانبه',
      method_multilateral: 'خالص‌سازی چندجانبه', 'method_setoff-liquidity': 'تهاتر با نقدینگی',
      ac_sub_all: 'همهٔ حساب‌های دفتر کل',
      ac_sub_party: 'حساب‌های {party}',
      filter: 'جستجو', filter_ph: 'طرف، ارز یا شناسه',
      col_party: 'طرف', col_code: 'کد', col_debits: 'بدهکار ثبت‌شده', col_credits: 'بستانکار ثبت‌شده',
      col_dpend: 'بدهکار در انتظار', col_cpend: 'بستانکار در انتظار', col_balance: 'مانده',
      shown: '{n} از {total} حساب',
      no_accounts: 'حسابی وجود ندارد.',
      usd: 'دلار',
      span_solar: '{years} هجری شمسی', span_gregorian: '{years} میلادی',
      unit_tn: 'هزار میلیارد', unit_bn: 'میلیارد', unit_m: 'میلیون', unit_k: 'هزار',
    },
    ar: {
      tagline: 'غرفة مقاصة ومرصد للتجارة',
      skip: 'انتقل إلى المحتوى',
      language: 'اللغة',
      signout: 'تسجيل الخروج',
      nav: 'الصفحات',
      footer: 'المبالغ في الجداول دقيقة؛ تسميات الرسوم البيانية مقرّبة.',
      nav_overview: 'نظرة عامة', nav_partners: 'الشركاء', nav_sectors: 'القطاعات',
      nav_crossings: 'المنافذ الحدودية', nav_settlement: 'التسوية', nav_accounts: 'الحسابات',
      signin_title: 'تسجيل الدخول',
      signin_intro: 'الصق رمز الوصول الذي أعطاك إياه المسؤول. يُحفظ في علامة التبويب هذه فقط ويُنسى عند إغلاقها.',
      token_label: 'رمز الوصول',
      signin: 'دخول',
      signing_in: 'جارٍ الدخول…',
      token_missing: 'الصق رمزًا أولًا.',
      signed_in_as: 'مسجّل الدخول بصفة {role}',
      role_admin: 'مسؤول', role_operator: 'مشغّل', role_analyst: 'محلل', role_participant: 'مشارك',
      loading: 'جارٍ التحميل…',
      no_data: 'لا توجد أرقام لهذا الاختيار.',
      not_allowed: 'صفحة «{page}» غير متاحة لدور «{role}».',
      net_error: 'تعذّر الوصول إلى الخدمة ({msg}).',
      bad_answer: 'أعادت الخدمة ردًا لا يمكن قراءته.',
      year: 'السنة', flow: 'الاتجاه', top: 'العدد', currency: 'العملة',
      flow_export: 'الصادرات', flow_import: 'الواردات', flow_total: 'إجمالي التجارة',
      trade_all: 'السلع والخدمات', trade_goods: 'السلع', trade_services: 'الخدمات',
      pair: '{reporter} ⇄ {partner}',
      ov_sub: '{pair} · {flow} · السنة الهجرية الشمسية {year}',
      kpi_year: 'التجارة في {year}',
      kpi_prev: 'التجارة في {year}',
      kpi_growth: 'النمو السنوي',
      kpi_growth_note: '{from}–{to}، {year} مقابل {prev}',
      kpi_records: 'الأرقام القياسية الشهرية',
      kpi_records_note: 'الأحدث: {month}',
      kpi_none: 'لا يوجد بعد',
      months_count: '{n} من ١٢ شهرًا',
      partial: 'جزئي',
      targets: 'الأهداف',
      no_targets: 'لم تُحدَّد أهداف.',
      t_so_far: 'حتى الآن', t_amount: 'الهدف', t_remaining: 'المتبقي', t_needed: 'المطلوب شهريًا',
      t_open: 'الأشهر المتبقية', t_runrate: 'الإسقاط بالوتيرة الحالية', t_forecast: 'الإسقاط المتوقَّع',
      t_as_of: 'حتى تاريخ', t_span: 'الفترة',
      t_progress: '{pct} من {amount}',
      status_met: 'تحقّق', status_missed: 'لم يتحقق', status_on_track: 'على المسار', status_behind: 'متأخر', status_no_data: 'لا بيانات',
      monthly_title: 'التجارة حسب الشهر الإيراني',
      monthly_desc: 'أشهر {year} الهجرية الشمسية مقابل {prev}، بالدولار الأمريكي',
      record_mark: 'رقم قياسي',
      months_title: 'أشهر {year}',
      records_title: 'الأرقام القياسية',
      records_desc: 'الأرقام القياسية الشهرية عبر التاريخ كله، الأحدث أولًا',
      col_month: 'الشهر', col_value: 'القيمة', col_prev: 'السنة السابقة', col_growth: 'النمو', col_record: 'رقم قياسي', col_source: 'المصدر',
      col_rank: 'الترتيب', col_partner: 'الشريك', col_share: 'الحصة', col_share_world: 'الحصة من العالم',
      col_sector: 'القطاع', col_crossing: 'المنفذ',
      pa_sub: 'أكبر شركاء {reporter} · {flow} · {period}',
      pa_world: 'العالم: {value}',
      partners_chart: 'الشركاء حسب القيمة',
      se_sub: '{pair} · {flow} · السنة الهجرية الشمسية {year}',
      sectors_chart: 'التجارة حسب القطاع',
      crossings_chart: 'التجارة حسب المنفذ الحدودي',
      total: 'المجموع',
      unplaced: 'تعذّر تصنيف {n} من الأرقام ({value}).',
      st_sub: 'الحسابات المقيّدة والحجوزات المفتوحة وآخر دورات المقاصة',
      pools_title: 'الحسابات المقيّدة',
      pools_desc: 'المدفوع والمتبقي حتى الدورة {run}',
      pools_chart: 'المدفوع والمتبقي لكل حساب',
      col_pool: 'الحساب', col_owner: 'المالك', col_currency: 'العملة', col_amount: 'المبلغ', col_paid: 'المدفوع', col_left: 'المتبقي',
      col_charged: 'المحتسَب', col_unpaid: 'المؤهَّل غير المدفوع', col_run: 'الدورة', col_progress: 'المدفوع / المتبقي',
      legend_paid: 'المدفوع', legend_left: 'المتبقي',
      pending_title: 'الحجوزات المعلّقة',
      pending_desc: 'التحويلات المفتوحة على مرحلتين التي تخصم من حساب مقيّد',
      col_id: 'المعرّف', col_debit: 'المدين', col_credit: 'الدائن', col_timeout: 'المهلة', col_time: 'الوقت',
      seconds: '{n} ث', no_timeout: 'بلا مهلة',
      runs_title: 'دورات المقاصة',
      runs_desc: 'الدين الداخل والمسدَّد والنقد المحوَّل لكل دورة، من الأقدم إلى الأحدث',
      runs_chart: 'دورات المقاصة',
      col_created: 'وقت التشغيل', col_method: 'الطريقة', col_parties: 'الأطراف', col_obligations: 'الالتزامات', col_posted: 'مرحّلة',
      col_debt: 'الدين الداخل', col_discharged: 'المسدَّد', col_cash: 'النقد المحوَّل', col_cross: 'النقد عبر الحدود', col_saved: 'الوفر',
      saved_note: 'وفر {pct}',
      yes: 'نعم', no: 'لا',
      no_pools: 'لم تستخدم أي دورة مقاصة حسابًا مقيّدًا بعد.',
      no_pending: 'لا توجد حجوزات معلّقة.',
      no_runs: 'لم تُشغَّل دورات مقاصة بعد.',
      method_pool: 'بتمويل من حساب مقيّد', method_setoff: 'مقاصة', 'method_set-off': 'مقاصة', method_bilateral: 'تصفية ثنائية',
      method_multilateral: 'تصفية متعددة الأطراف', 'method_setoff-liquidity': 'مقاصة مع سيولة',
      ac_sub_all: 'كل حسابات دفتر الأستاذ',
      ac_sub_party: 'حسابات {party}',
      filter: 'تصفية', filter_ph: 'الطرف أو العملة أو المعرّف',
      col_party: 'الطرف', col_code: 'الرمز', col_debits: 'المدين المرحّل', col_credits: 'الدائن المرحّل',
      col_dpend: 'المدين المعلّق', col_cpend: 'الدائن المعلّق', col_balance: 'الرصيد',
      shown: '{n} من {total} حساب',
      no_accounts: 'لا توجد حسابات.',
      usd: 'دولار',
      span_solar: '{years} هجري شمسي', span_gregorian: '{years} ميلادي',
      unit_tn: 'تريليون', unit_bn: 'مليار', unit_m: 'مليون', unit_k: 'ألف',
    },
  };

  // The standard sectors and the report's catch-all groups (codes as the API gives them).
  const GROUP_NAMES = {
    fa: {
      'agriculture': 'کشاورزی', 'foodstuff': 'مواد غذایی', 'construction materials': 'مصالح ساختمانی',
      'energy': 'انرژی', 'chemicals and petrochemicals': 'شیمیایی و پتروشیمی', 'metals': 'فلزات',
      'machinery and vehicles': 'ماشین‌آلات و خودرو', 'textiles': 'منسوجات', 'other goods': 'سایر کالاها',
      'engineering and technical services': 'خدمات فنی و مهندسی', 'transport services': 'خدمات حمل‌ونقل',
      'travel': 'سفر', 'other services': 'سایر خدمات', 'unclassified': 'بدون جزئیات', 'unknown': 'گذرگاه نامشخص',
      'other': 'سایر',
    },
    ar: {
      'agriculture': 'الزراعة', 'foodstuff': 'المواد الغذائية', 'construction materials': 'مواد البناء',
      'energy': 'الطاقة', 'chemicals and petrochemicals': 'الكيماويات والبتروكيماويات', 'metals': 'المعادن',
      'machinery and vehicles': 'الآلات والمركبات', 'textiles': 'المنسوجات', 'other goods': 'سلع أخرى',
      'engineering and technical services': 'الخدمات الهندسية والفنية', 'transport services': 'خدمات النقل',
      'travel': 'السفر', 'other services': 'خدمات أخرى', 'unclassified': 'بلا تفاصيل', 'unknown': 'منفذ غير محدد',
      'other': 'أخرى',
    },
  };

  // ---------------------------------------------------------------------------------
  // State

  const state = {
    lang: 'en',
    token: null,
    who: null,
    page: null,
    seq: 0,
    cache: new Map(),
    width: 0,
    params: {
      overview: { year: null },
      partners: { period: null, flow: 'export', top: 10 },
      sectors: { year: null, flow: 'total' },
      crossings: { year: null, flow: 'total' },
      settlement: { currency: null },
      accounts: { filter: '' },
    },
    latest: { partners: null },
  };

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  function storageGet(store, key) {
    try { return window[store].getItem(key); } catch (e) { return null; }
  }
  function storageSet(store, key, value) {
    try {
      if (value === null) window[store].removeItem(key); else window[store].setItem(key, value);
    } catch (e) { /* storage may be off: the session then lasts for the page only */ }
  }

  // ---------------------------------------------------------------------------------
  // Text and numbers

  function t(key, vars) {
    const dict = I18N[state.lang] || I18N.en;
    let text = key in dict ? dict[key] : (key in I18N.en ? I18N.en[key] : key);
    if (vars) {
      text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
    }
    return text;
  }
  const rtl = () => RTL[state.lang];
  const num = () => NUM[state.lang];

  /** Latin digits of `text` in the language's digits. */
  function digits(text) {
    const d = num().digits;
    const s = String(text);
    return d ? s.replace(/[0-9]/g, (c) => d[c.charCodeAt(0) - 48]) : s;
  }
  /** Left-to-right isolate (dates, ids, codes inside right-to-left text). */
  const ltr = (s) => '\u2066' + s + '\u2069';
  /** An isolate in the page's direction (mixed text inside SVG, which we lay out ltr). */
  const iso = (s) => (rtl() ? '\u2067' + s + '\u2069' : s);

  function groupDigits(intPart) {
    return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, '\u0000').split('\u0000').join(num().group);
  }

  /** A decimal string of minor units with `exponent` decimals, grouped, exact. */
  function fmtMinor(minor, exponent) {
    let s = String(minor == null ? '' : minor).trim();
    if (!/^[-+]?\d+$/.test(s)) return s === '' ? '—' : digits(s);
    const neg = s[0] === '-';
    s = s.replace(/^[-+]/, '').replace(/^0+(?=\d)/, '');
    const exp = Math.max(0, Number(exponent) || 0);
    let intPart = s;
    let frac = '';
    if (exp > 0) {
      s = s.padStart(exp + 1, '0');
      intPart = s.slice(0, s.length - exp);
      frac = s.slice(s.length - exp);
    }
    let out = groupDigits(intPart) + (frac ? num().decimal + frac : '');
    out = digits(out);
    if (neg && /[1-9]/.test(s)) out = num().minus + out;
    return out;
  }
  const fmtInt = (n) => (n == null ? '—' : fmtMinor(String(n), 0));
  const fmtYear = (y) => (y == null ? '—' : digits(String(y)));

  function toBig(minor) {
    try { return BigInt(String(minor)); } catch (e) { return null; }
  }

  /** `v / div` rounded half away from zero to `dec` decimals, as a minor-unit string. */
  function scaled(v, div, dec) {
    const f = 10n ** BigInt(dec);
    const q = (v * f * 2n + div) / (2n * div);
    return q.toString();
  }

  /** A compact amount ("1.21 bn") from minor units, rounded with BigInt arithmetic. */
  function compactMinor(minor, exponent, trim) {
    let v = toBig(minor);
    if (v === null) return fmtMinor(minor, exponent);
    const neg = v < 0n;
    if (neg) v = -v;
    const unit = 10n ** BigInt(Math.max(0, Number(exponent) || 0));
    const scales = [[12n, 'tn'], [9n, 'bn'], [6n, 'm'], [3n, 'k']];
    let out = null;
    for (const [power, key] of scales) {
      const div = unit * 10n ** power;
      if (v >= div) {
        const whole = v / div;
        const dec = whole < 10n ? 2 : whole < 100n ? 1 : 0;
        let text = fmtMinor(scaled(v, div, dec), dec);
        if (trim && dec > 0) {
          const d = num().decimal;
          const zero = digits('0');
          const re = new RegExp('\\' + d + zero + '+$');
          text = text.replace(re, '');
          if (text.includes(d)) text = text.replace(new RegExp(zero + '+$'), '');
        }
        out = text + ' ' + t('unit_' + key);
        break;
      }
    }
    if (out === null) {
      // Below a thousand: whole units.
      out = fmtMinor(scaled(v, unit, 0), 0);
    }
    return (neg ? num().minus : '') + out;
  }

  function withUsd(amount) {
    if (state.lang === 'en') {
      return amount.startsWith('-') ? '-$' + amount.slice(1) : '$' + amount;
    }
    return amount + ' ' + t('usd');
  }
  /** US cents, exact. */
  const usd = (cents) => (cents == null ? '—' : withUsd(fmtMinor(cents, 2)));
  /** US cents, compact. */
  const usdShort = (cents) => (cents == null ? '—' : withUsd(compactMinor(cents, 2)));

  /** Any currency, exact: code and amount. */
  function money(minor, exponent, currency) {
    if (minor == null) return '—';
    const amount = fmtMinor(minor, exponent);
    if (!currency) return amount;
    return state.lang === 'en' ? currency + '\u00a0' + amount : amount + '\u00a0' + currency;
  }
  function moneyShort(minor, exponent, currency) {
    if (minor == null) return '—';
    const amount = compactMinor(minor, exponent);
    if (!currency) return amount;
    return state.lang === 'en' ? currency + '\u00a0' + amount : amount + '\u00a0' + currency;
  }

  /** Basis points as a percentage with two decimals ("21.16%"). */
  function fmtBp(bp, signed) {
    if (bp == null || bp === '') return '—';
    let v = toBig(typeof bp === 'number' ? Math.round(bp) : bp);
    if (v === null) return '—';
    const neg = v < 0n;
    if (neg) v = -v;
    const text = fmtMinor(v.toString(), 2) + num().percent;
    if (neg && v !== 0n) return num().minus + text;
    if (signed && v !== 0n) return num().plus + text;
    return text;
  }

  /** (a - b) / b in basis points, from minor-unit strings; null if b is 0. */
  function growthBp(a, b) {
    const x = toBig(a);
    const y = toBig(b);
    if (x === null || y === null || y === 0n) return null;
    const d = (x - y) * 10000n;
    // Round half away from zero.
    const q = d >= 0n ? (d * 2n + y) / (2n * y) : -((-d * 2n + y) / (2n * y));
    return q.toString();
  }

  const monthName = (m) => (m >= 1 && m <= 12 ? MONTHS[state.lang][m - 1] : '');
  /**
   * A Gregorian date or time, digits localised, read left to right. Arabic-Indic digits
   * are "Arabic numbers" to the bidi algorithm, which would flip hyphenated runs; marks
   * around the separators keep the order.
   */
  function gregorianText(text) {
    const d = digits(text);
    return ltr(state.lang === 'ar' ? d.replace(/[-\s]/g, '\u200e$&\u200e') : d);
  }
  const fmtDate = (iso8601) => (iso8601 ? gregorianText(iso8601) : '—');

  /** The label of a report period: "Ordibehesht 1403", "1403", else the period text. */
  function periodLabel(row) {
    if (!row) return '—';
    if ((row.kind === 'solar-month') && row.month) return monthName(row.month) + ' ' + fmtYear(row.year);
    if (row.kind === 'solar-year' || row.kind === 'gregorian-year') return fmtYear(row.year != null ? row.year : row.period);
    return gregorianText(row.period);
  }
  /** "Ordibehesht 1403 · 2024-04-20 – 2024-05-20" */
  function periodWithDays(row) {
    const days = row.first_day && row.last_day ? fmtDate(row.first_day) + ' – ' + fmtDate(row.last_day) : '';
    return periodLabel(row) + (days ? ' · ' + days : '');
  }

  /** Solar Hijri year, month and day of a Gregorian date (through ICU's Persian calendar). */
  function solarOf(date) {
    try {
      const parts = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
        timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric',
      }).formatToParts(date);
      const get = (type) => Number((parts.find((p) => p.type === type) || {}).value);
      const y = get('year');
      const m = get('month');
      const d = get('day');
      return y && m && d ? { y, m, d } : null;
    } catch (e) {
      return null;
    }
  }
  function parseInstant(value) {
    if (value == null) return null;
    const s = String(value);
    if (/^\d{13,}$/.test(s)) {
      // Nanoseconds since 1970 (ledger timestamps).
      const ms = Number(BigInt(s) / 1000000n);
      return new Date(ms);
    }
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  /** "2 Azar 1405 · 2026-11-23 18:00 UTC" */
  function fmtInstant(value, withTime) {
    const d = parseInstant(value);
    if (!d) return value == null ? '—' : digits(String(value));
    const isoText = d.toISOString();
    const greg = isoText.slice(0, 10) + (withTime ? ' ' + isoText.slice(11, 16) + ' UTC' : '');
    const s = solarOf(d);
    const solar = s ? fmtInt(s.d) + ' ' + monthName(s.m) + ' ' + fmtYear(s.y) : '';
    return (solar ? solar + ' · ' : '') + gregorianText(greg);
  }
  function fmtDay(isoDate) {
    if (!isoDate) return '—';
    return fmtInstant(isoDate + 'T00:00:00Z', false);
  }

  function flowName(flow) { return t('flow_' + flow) === 'flow_' + flow ? flow : t('flow_' + flow); }
  function groupName(row) {
    const code = row.group;
    const dict = GROUP_NAMES[state.lang];
    if (dict && code != null && dict[String(code).toLowerCase()]) return dict[String(code).toLowerCase()];
    const name = row.group_name || code || '—';
    return state.lang === 'en' && /^[a-z]/.test(name) ? name[0].toUpperCase() + name.slice(1) : name;
  }
  function methodName(m) { const k = 'method_' + m; const v = t(k); return v === k ? m : v; }
  function roleName(role) { const k = 'role_' + role; const v = t(k); return v === k ? role : v; }

  // ---------------------------------------------------------------------------------
  // DOM helpers

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  const SVGNS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const node = document.createElementNS(SVGNS, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'text') node.textContent = v;
      else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else if (k === 'style') Object.assign(node.style, v); // CSSOM: allowed by the CSP
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }
  function append(node, children) {
    for (const c of children.flat(Infinity)) {
      if (c == null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  const r1 = (x) => Math.round(x * 10) / 10;

  function card(title, desc, ...body) {
    return h('section', { class: 'card' },
      title ? h('h2', { class: 'card-title' }, title) : null,
      desc ? h('p', { class: 'card-desc' }, desc) : null,
      ...body);
  }
  function tableWrap(label, table) {
    return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label }, table);
  }
  function table(attrs, headers, rows) {
    return h('table', Object.assign({ class: 'table' }, attrs),
      h('thead', null, h('tr', null, headers.map((hd) => h('th', { scope: 'col', class: hd.num ? 'num' : null }, hd.label)))),
      h('tbody', null, rows));
  }
  function empty(text) { return h('p', { class: 'empty' }, text); }

  function select(id, label, options, value, onChange) {
    const sel = h('select', { id, name: id },
      options.map((o) => h('option', { value: o.value, selected: String(o.value) === String(value) }, o.label)));
    sel.addEventListener('change', () => onChange(sel.value));
    return h('div', { class: 'control' }, h('label', { for: id }, label), sel);
  }

  // ---------------------------------------------------------------------------------
  // Charts (inline SVG). The SVG is laid out left to right with explicit coordinates and
  // mirrored by hand for right-to-left languages; text inside is isolated in the page's
  // direction.

  function chartWidth(container) {
    const w = container.clientWidth || 720;
    return Math.max(260, Math.min(1200, Math.floor(w)));
  }

  function niceScale(max, ticks) {
    if (!(max > 0)) return { max: 1, step: 0.25 };
    const raw = max / ticks;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const n = raw / mag;
    const step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
    return { max: step * Math.ceil(max / step - 1e-9), step };
  }
  /** Axis label for a value in minor units (geometry only, so Number is fine here). */
  function axisLabel(value, exponent) {
    if (value === 0) return digits('0');
    return compactMinor(BigInt(Math.round(value)).toString(), exponent, true);
  }
  function textWidth(text, size) {
    // A rough width: good enough to choose rotation and truncation.
    return String(text).length * size * 0.56;
  }
  function truncate(text, size, max) {
    const str = String(text);
    if (textWidth(str, size) <= max) return str;
    const n = Math.max(1, Math.floor(max / (size * 0.56)) - 1);
    return str.slice(0, n) + '…';
  }

  function svgRoot(name, width, height, label) {
    return s('svg', {
      'data-chart': name, class: 'chart', viewBox: `0 0 ${width} ${height}`,
      width: '100%', preserveAspectRatio: 'xMidYMid meet', role: 'img', 'aria-label': label,
      focusable: 'false',
    });
  }

  function legend(items) {
    return h('ul', { class: 'legend' }, items.map((it) => h('li', null,
      h('span', { class: 'swatch ' + it.cls, 'aria-hidden': 'true' }), it.label)));
  }

  /**
   * Grouped vertical bars. slots: [{label, bars: [{value, cls, title, record}] | null, note}]
   * Bars within a slot are in series order; the whole chart is mirrored in rtl.
   */
  function groupedBars(name, container, opts) {
    const W = chartWidth(container);
    const slots = opts.slots;
    const n = Math.max(1, slots.length);
    const series = opts.series;
    const axisW = Math.min(84, Math.max(56, W * 0.12));
    const pad = 10;
    const plotW = W - axisW - pad;
    const slotW = plotW / n;
    const labelSize = 12;
    const longest = Math.max(...slots.map((sl) => textWidth(sl.label, labelSize)), 1);
    const rotate = longest > slotW - 6;
    const hasSub = !rotate && slots.some((sl) => sl.sub);
    const bottom = rotate ? Math.min(110, longest * 0.74 + 22) : hasSub ? 48 : 32;
    const top = opts.notes ? 26 : 14;
    const plotH = opts.height || (W < 480 ? 200 : 240);
    const H = top + plotH + bottom;
    const x0 = rtl() ? pad : axisW;
    const yBase = top + plotH;
    let max = 0;
    for (const sl of slots) for (const b of sl.bars || []) if (b && b.value > max) max = b.value;
    const scale = niceScale(max, 4);
    const y = (v) => yBase - (v / scale.max) * plotH;

    const svg = svgRoot(name, W, H, opts.label);
    const grid = s('g', { class: 'grid' });
    for (let v = 0; v <= scale.max + scale.step / 2; v += scale.step) {
      const yy = r1(y(v));
      grid.append(s('line', { x1: x0, x2: x0 + plotW, y1: yy, y2: yy, class: v === 0 ? 'axis' : 'gridline' }));
      const tx = rtl() ? x0 + plotW + 6 : x0 - 6;
      grid.append(s('text', {
        x: tx, y: yy + 4, class: 'tick', 'text-anchor': rtl() ? 'start' : 'end',
      }, iso(axisLabel(v, opts.exponent))));
    }
    svg.append(grid);

    const bars = s('g', { class: 'bars' });
    const labels = s('g', { class: 'labels' });
    const k = series.length;
    const gap = Math.max(2, slotW * 0.14);
    const barW = Math.max(2, Math.min(28, (slotW - 2 * gap) / k));
    slots.forEach((sl, i) => {
      const slotX = rtl() ? x0 + plotW - (i + 1) * slotW : x0 + i * slotW;
      const cx = slotX + slotW / 2;
      const groupW = barW * k;
      (sl.bars || []).forEach((b, j) => {
        if (!b) return;
        const pos = rtl() ? k - 1 - j : j;
        const bx = cx - groupW / 2 + pos * barW;
        const by = y(Math.max(0, b.value));
        const rect = s('rect', {
          class: 'bar ' + b.cls, x: r1(bx + 0.5), y: r1(by), width: r1(Math.max(1, barW - 1)),
          height: r1(Math.max(0, yBase - by)), rx: Math.min(3, barW / 4),
          'data-value': b.raw,
        }, s('title', null, b.title));
        bars.append(rect);
        if (b.record) {
          bars.append(s('path', {
            class: 'record-mark', d: `M${r1(bx + barW / 2)} ${r1(by - 9)} l4 6 h-8 z`,
          }, s('title', null, t('record_mark'))));
        }
      });
      if (sl.note) {
        labels.append(s('text', { x: r1(cx), y: top - 10, class: 'note', 'text-anchor': 'middle' }, iso(sl.note)));
      }
      const ly = yBase + 16;
      if (rotate) {
        // Slanted down and away from the axis: to the left in ltr, mirrored in rtl.
        labels.append(s('text', {
          x: r1(cx), y: ly, class: 'xlabel', 'text-anchor': rtl() ? 'start' : 'end',
          transform: `rotate(${rtl() ? 45 : -45} ${r1(cx)} ${ly})`,
        }, iso(sl.label)));
      } else {
        labels.append(s('text', { x: r1(cx), y: ly + 2, class: 'xlabel', 'text-anchor': 'middle' }, iso(sl.label)));
        if (sl.sub) {
          labels.append(s('text', { x: r1(cx), y: ly + 18, class: 'xsub', 'text-anchor': 'middle' },
            iso(truncate(sl.sub, 11, slotW - 4))));
        }
      }
    });
    svg.append(bars, labels);
    return svg;
  }

  /**
   * Horizontal bars, one per row: rows [{label, value, raw, text, title, cls, parts}].
   * `parts` (optional) stacks several bars in one row: [{value, cls, title}].
   */
  function horizontalBars(name, container, opts) {
    const W = chartWidth(container);
    const rows = opts.rows;
    const size = 12.5;
    const rowH = 30;
    const top = 6;
    const H = top + rows.length * rowH + 6;
    const labelW = Math.min(220, Math.max(90, W * 0.3));
    const valueW = Math.min(190, Math.max(96, W * 0.27));
    const barMax = Math.max(40, W - labelW - valueW - 12);
    let max = 0;
    for (const r of rows) {
      const v = r.parts ? r.parts.reduce((a, p) => a + p.value, 0) : r.value;
      if (v > max) max = v;
    }
    if (!(max > 0)) max = 1;
    const svg = svgRoot(name, W, H, opts.label);
    // Bars start at the label column's inner edge: left in ltr, right in rtl.
    const barStart = rtl() ? W - labelW : labelW;
    rows.forEach((r, i) => {
      const yMid = top + i * rowH + rowH / 2;
      const bh = 16;
      const by = yMid - bh / 2;
      const label = truncate(r.label, size, labelW - 14);
      svg.append(s('text', {
        x: rtl() ? W - labelW + 10 : labelW - 10, y: r1(yMid + 4.5), class: 'hlabel',
        'text-anchor': rtl() ? 'start' : 'end',
      }, s('title', null, r.label), iso(label)));
      const parts = r.parts || [{ value: r.value, cls: r.cls || 'bar-a', title: r.title, raw: r.raw }];
      let offset = 0;
      for (const p of parts) {
        const len = Math.max(0, (p.value / max) * barMax);
        const x = rtl() ? barStart - offset - len : barStart + offset;
        svg.append(s('rect', {
          class: 'bar ' + p.cls, x: r1(x), y: r1(by), width: r1(Math.max(len, 0.5)), height: bh, rx: 2,
          'data-value': p.raw,
        }, s('title', null, p.title)));
        offset += len;
      }
      const tx = rtl() ? barStart - offset - 6 : barStart + offset + 6;
      svg.append(s('text', {
        x: r1(tx), y: r1(yMid + 4.5), class: 'hvalue', 'text-anchor': rtl() ? 'end' : 'start',
      }, iso(r.text)));
    });
    return svg;
  }

  /** A half-circle gauge of progress (basis points). */
  function gauge(name, progressBp, status, label, centre, under) {
    const W = 240;
    const H = 152;
    const cx = 120;
    const cy = 112;
    const rad = 92;
    const f = Math.max(0, Math.min(1, (Number(progressBp) || 0) / 10000));
    const mirror = rtl();
    const pt = (frac) => {
      const a = Math.PI - Math.PI * frac;
      const x = cx + rad * Math.cos(a);
      return [r1(mirror ? 2 * cx - x : x), r1(cy - rad * Math.sin(a))];
    };
    const [sx, sy] = pt(0);
    const [ex, ey] = pt(1);
    const [vx, vy] = pt(f);
    const sweep = mirror ? 0 : 1;
    const svg = svgRoot(name, W, H, label);
    svg.setAttribute('class', 'chart gauge');
    svg.append(s('path', { class: 'gauge-track', d: `M${sx} ${sy} A${rad} ${rad} 0 0 ${sweep} ${ex} ${ey}` }));
    if (f > 0) {
      svg.append(s('path', {
        class: 'gauge-value status-' + status, d: `M${sx} ${sy} A${rad} ${rad} 0 0 ${sweep} ${vx} ${vy}`,
      }));
    }
    svg.append(s('text', { x: cx, y: cy - 14, class: 'gauge-centre', 'text-anchor': 'middle' }, iso(centre)));
    svg.append(s('text', { x: cx, y: cy + 34, class: 'gauge-under', 'text-anchor': 'middle' }, iso(under)));
    return svg;
  }

  // ---------------------------------------------------------------------------------
  // The API

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(path, token) {
    let res;
    try {
      res = await fetch(path, {
        headers: { Authorization: 'Bearer ' + (token || state.token || ''), Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      throw new ApiError(0, 'network', t('net_error', { msg: e.message || String(e) }));
    }
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!res.ok) {
      const message = body && typeof body.message === 'string' ? body.message : `HTTP ${res.status}`;
      throw new ApiError(res.status, body && body.code ? body.code : 'http_' + res.status, message);
    }
    if (body === null) throw new ApiError(res.status, 'bad_answer', t('bad_answer'));
    return body;
  }

  function cached(path) {
    if (!state.cache.has(path)) {
      const p = api(path);
      state.cache.set(path, p);
      p.catch(() => { if (state.cache.get(path) === p) state.cache.delete(path); });
    }
    return state.cache.get(path);
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, String(v));
    const text = q.toString();
    return text ? '?' + text : '';
  }

  // ---------------------------------------------------------------------------------
  // Alerts

  function showAlert(message) {
    const box = $('#alert');
    box.textContent = message;
    box.classList.toggle('is-shown', Boolean(message));
  }
  const clearAlert = () => showAlert('');

  function handleError(err) {
    if (err instanceof ApiError && err.status === 401) {
      signOut(false);
      showAlert(err.message);
      return;
    }
    showAlert(err && err.message ? err.message : String(err));
  }

  // ---------------------------------------------------------------------------------
  // Pages

  /** The default overview (its pair and year set the defaults of the other pages). */
  const defaultOverview = () => cached('/api/v1/dashboard/overview');

  function yearOptions(latest) {
    const out = [];
    for (let y = latest; y > latest - YEARS_SHOWN; y--) out.push({ value: y, label: fmtYear(y) });
    return out;
  }
  function flowOptions() {
    return ['export', 'import', 'total'].map((f) => ({ value: f, label: flowName(f) }));
  }
  function pairText(ov) {
    return t('pair', { reporter: ov.reporter_name || ov.reporter, partner: ov.partner_name || ov.partner });
  }
  function countryName(code, ov) {
    if (ov && code === ov.reporter && ov.reporter_name) return ov.reporter_name;
    if (ov && code === ov.partner && ov.partner_name) return ov.partner_name;
    return code;
  }

  // Overview ---------------------------------------------------------------------------

  async function loadOverview() {
    const def = await defaultOverview();
    const year = state.params.overview.year;
    const data = year && Number(year) !== def.year
      ? await cached('/api/v1/dashboard/overview' + query({ reporter: def.reporter, partner: def.partner, year }))
      : def;
    return { def, data };
  }

  function renderOverview({ def, data }) {
    const ov = data;
    const prevYear = ov.year - 1;
    $('#overview-sub').textContent = t('ov_sub', { pair: pairText(ov), flow: flowName(ov.flow), year: fmtYear(ov.year) });
    $('#overview-controls').replaceChildren(
      select('overview-year', t('year'), yearOptions(def.year), ov.year, (v) => {
        state.params.overview.year = Number(v);
        showPage('overview');
      }));
    const root = $('#overview-content');
    root.replaceChildren();

    // Key figures.
    const months = Array.isArray(ov.months) ? ov.months : [];
    const prevMonths = Array.isArray(ov.previous_year_months) ? ov.previous_year_months : [];
    const prevByMonth = new Map(prevMonths.map((r) => [r.month, r]));
    let cur = 0n;
    let prev = 0n;
    let like = 0;
    for (const r of months) {
      const p = prevByMonth.get(r.month);
      const a = toBig(r.value_usd_cents);
      const b = p ? toBig(p.value_usd_cents) : null;
      if (a !== null && b !== null) { cur += a; prev += b; like++; }
    }
    const growth = like ? growthBp(cur.toString(), prev.toString()) : null;
    const firstM = months.length ? months[0].month : null;
    const lastM = months.length ? months[months.length - 1].month : null;
    const records = Array.isArray(ov.records) ? ov.records : [];

    const kpis = h('div', { class: 'kpis' },
      kpi(t('kpi_year', { year: fmtYear(ov.year) }),
        ov.year_total ? usdShort(ov.year_total.value_usd_cents) : '—',
        ov.year_total ? usd(ov.year_total.value_usd_cents) : '',
        months.length && months.length < 12 ? t('months_count', { n: fmtInt(months.length) }) : null),
      kpi(t('kpi_prev', { year: fmtYear(prevYear) }),
        ov.previous_year_total ? usdShort(ov.previous_year_total.value_usd_cents) : '—',
        ov.previous_year_total ? usd(ov.previous_year_total.value_usd_cents) : '', null),
      kpi(t('kpi_growth'), fmtBp(growth, true),
        like ? t('kpi_growth_note', {
          from: monthName(firstM), to: monthName(lastM), year: fmtYear(ov.year), prev: fmtYear(prevYear),
        }) : '', null, growth == null ? '' : (String(growth).startsWith('-') ? 'down' : 'up')),
      kpi(t('kpi_records'), records.length ? fmtInt(records.length) : t('kpi_none'),
        records.length ? t('kpi_records_note', { month: periodLabel(records[0]) }) : '', null));
    root.append(kpis);

    // Targets.
    const targets = Array.isArray(ov.targets) ? ov.targets : [];
    const targetsBox = h('div', { class: 'targets' });
    root.append(card(t('targets'), null, targets.length ? targetsBox : empty(t('no_targets'))));
    for (const tg of targets) targetsBox.append(targetCard(tg, ov));

    // Monthly chart.
    const chartBox = h('div', { class: 'chart-box' });
    const monthly = card(t('monthly_title'), t('monthly_desc', { year: fmtYear(ov.year), prev: fmtYear(prevYear) }),
      legend([{ cls: 'bar-prev', label: fmtYear(prevYear) }, { cls: 'bar-cur', label: fmtYear(ov.year) }]),
      chartBox);
    root.append(monthly);
    const curByMonth = new Map(months.map((r) => [r.month, r]));
    const slots = [];
    for (let m = 1; m <= 12; m++) {
      const p = prevByMonth.get(m);
      const c = curByMonth.get(m);
      const bar = (row, cls) => (row ? {
        value: Number(row.value_usd_cents) || 0, raw: row.value_usd_cents, cls,
        title: periodWithDays(row) + ' — ' + usd(row.value_usd_cents), record: row.record === true,
      } : null);
      slots.push({ label: monthName(m), bars: [bar(p, 'bar-prev'), bar(c, 'bar-cur')] });
    }
    chartBox.append(groupedBars('monthly', chartBox, {
      slots, series: ['prev', 'cur'], exponent: 2,
      label: t('monthly_title') + ' — ' + fmtYear(ov.year) + ' / ' + fmtYear(prevYear),
    }));

    // Months table.
    if (months.length) {
      const rows = months.map((r) => h('tr', null,
        h('td', null, periodWithDays(r)),
        h('td', { class: 'num' }, usd(r.value_usd_cents)),
        h('td', { class: 'num' }, usd(r.previous_year_usd_cents)),
        h('td', { class: 'num ' + signClass(r.growth_bp) }, fmtBp(r.growth_bp, true)),
        h('td', null, r.record ? h('span', { class: 'pill pill-record' }, t('record_mark')) : '',
          r.partial ? h('span', { class: 'pill' }, t('partial')) : '')));
      root.append(card(t('months_title', { year: fmtYear(ov.year) }), null, tableWrap(t('months_title', { year: fmtYear(ov.year) }),
        table({ 'data-table': 'months' }, [
          { label: t('col_month') }, { label: t('col_value'), num: true }, { label: t('col_prev'), num: true },
          { label: t('col_growth'), num: true }, { label: '' }], rows))));
    }

    // Records.
    const recordRows = records.map((r) => h('tr', null,
      h('td', null, periodWithDays(r)),
      h('td', { class: 'num' }, usd(r.value_usd_cents)),
      h('td', { class: 'num ' + signClass(r.growth_bp) }, fmtBp(r.growth_bp, true)),
      h('td', null, r.source || '—')));
    root.append(card(t('records_title'), t('records_desc'), records.length
      ? tableWrap(t('records_title'), table({ 'data-table': 'records' }, [
        { label: t('col_month') }, { label: t('col_value'), num: true }, { label: t('col_growth'), num: true },
        { label: t('col_source') }], recordRows))
      : empty(t('kpi_none'))));
  }

  function signClass(bp) {
    if (bp == null) return '';
    return String(bp).startsWith('-') ? 'down' : String(bp) === '0' ? '' : 'up';
  }

  function kpi(label, value, exact, badge, tone) {
    return h('div', { class: 'kpi card' },
      h('div', { class: 'kpi-label' }, label),
      h('div', { class: 'kpi-value' + (tone ? ' ' + tone : '') }, value),
      exact ? h('div', { class: 'kpi-exact' }, exact) : null,
      badge ? h('span', { class: 'pill' }, badge) : null);
  }

  function targetCard(tg, ov) {
    const status = tg.status || 'no_data';
    const pct = fmtBp(tg.progress_bp);
    const label = `${tg.name}: ${pct}`;
    const box = h('article', { class: 'target' });
    const head = h('div', { class: 'target-head' },
      h('h3', { class: 'target-name' }, h('bdi', null, tg.name)),
      h('span', { class: 'pill status status-' + status }, t('status_' + status)));
    const pair = t('pair', { reporter: countryName(tg.reporter, ov), partner: countryName(tg.partner, ov) });
    const tradeKey = 'trade_' + tg.trade;
    const trade = t(tradeKey) === tradeKey ? tg.trade : t(tradeKey);
    const sub = h('p', { class: 'target-sub' }, `${pair} · ${flowName(tg.flow)} · ${trade}`);
    const span = h('p', { class: 'target-span' }, fmtDate(tg.first_day) + ' – ' + fmtDate(tg.last_day),
      tg.span ? h('span', { class: 'muted' }, ' · ', h('bdi', null, spanText(tg.span))) : null);
    const g = gauge('target-gauge', tg.progress_bp, status, label,
      tg.progress_bp == null ? '—' : pct, t('t_progress', { pct: usdShort(tg.so_far_usd_cents), amount: usdShort(tg.amount_usd_cents) }));
    g.setAttribute('data-target', tg.name);
    const dl = h('dl', { class: 'facts' },
      fact(t('t_so_far'), usd(tg.so_far_usd_cents)),
      fact(t('t_amount'), usd(tg.amount_usd_cents)),
      fact(t('t_remaining'), usd(tg.remaining_usd_cents)),
      fact(t('t_needed'), usd(tg.needed_per_month_usd_cents)),
      fact(t('t_open'), fmtInt(tg.open_months)),
      fact(t('t_runrate'), usd(tg.run_rate_projection_usd_cents)),
      fact(t('t_forecast'), usd(tg.forecast_projection_usd_cents)),
      fact(t('t_as_of'), fmtDay(tg.as_of)));
    box.append(head, sub, span, h('div', { class: 'gauge-wrap' }, g), dl);
    return box;
  }
  /** "1404 (Solar Hijri)" and the like, in the page's language; anything else as given. */
  function spanText(span) {
    const m = /^(\d{3,4})(?:-(\d{3,4}))? \((Solar Hijri|Gregorian)\)$/.exec(String(span));
    if (!m) return digits(span);
    const years = m[2] ? fmtYear(m[1]) + '–' + fmtYear(m[2]) : fmtYear(m[1]);
    return t(m[3] === 'Gregorian' ? 'span_gregorian' : 'span_solar', { years });
  }
  function fact(label, value) {
    return h('div', { class: 'fact' }, h('dt', null, label), h('dd', null, value));
  }

  // Partners ---------------------------------------------------------------------------

  async function loadPartners() {
    const ov = await defaultOverview();
    const p = state.params.partners;
    const data = await cached('/api/v1/trade/partners' + query({
      reporter: ov.reporter, period: p.period, flow: p.flow, top: p.top,
    }));
    if (p.period == null) state.latest.partners = data.period;
    return { ov, data };
  }

  function renderPartners({ ov, data }) {
    const p = state.params.partners;
    const reporter = data.reporter === ov.reporter ? (ov.reporter_name || ov.reporter) : data.reporter;
    const latest = Number(state.latest.partners || data.period);
    const periodText = /^\d+$/.test(String(data.period)) ? fmtYear(data.period) : gregorianText(data.period);
    $('#partners-sub').textContent = t('pa_sub', { reporter, flow: flowName(data.flow), period: periodText });
    const controls = [];
    if (Number.isFinite(latest)) {
      controls.push(select('partners-year', t('year'), yearOptions(latest), data.period, (v) => {
        state.params.partners.period = v;
        showPage('partners');
      }));
    }
    controls.push(select('partners-flow', t('flow'), flowOptions(), p.flow, (v) => {
      state.params.partners.flow = v;
      showPage('partners');
    }));
    controls.push(select('partners-top', t('top'), [5, 10, 15, 20].map((n) => ({ value: n, label: fmtInt(n) })), p.top, (v) => {
      state.params.partners.top = Number(v);
      showPage('partners');
    }));
    $('#partners-controls').replaceChildren(...controls);

    const root = $('#partners-content');
    root.replaceChildren();
    const partners = Array.isArray(data.partners) ? data.partners : [];
    const chartBox = h('div', { class: 'chart-box' });
    root.append(card(t('partners_chart'),
      data.world ? t('pa_world', { value: usd(data.world.value_usd_cents) }) : null,
      partners.length ? chartBox : empty(t('no_data'))));
    if (!partners.length) return;
    chartBox.append(horizontalBars('partners', chartBox, {
      label: t('partners_chart'),
      rows: partners.map((pr) => {
        const share = pr.share_of_world_bp != null ? pr.share_of_world_bp : pr.row.share_bp;
        return {
          label: groupName(pr.row), value: Number(pr.row.value_usd_cents) || 0, raw: pr.row.value_usd_cents,
          cls: pr.row.group === ov.partner ? 'bar-b' : 'bar-a',
          text: usdShort(pr.row.value_usd_cents) + (share != null ? ' · ' + fmtBp(share) : ''),
          title: groupName(pr.row) + ' — ' + usd(pr.row.value_usd_cents),
        };
      }),
    }));
    const rows = partners.map((pr) => h('tr', null,
      h('td', { class: 'num' }, fmtInt(pr.rank)),
      h('td', null, groupName(pr.row), ' ', h('span', { class: 'code' }, pr.row.group || '')),
      h('td', { class: 'num' }, usd(pr.row.value_usd_cents)),
      h('td', { class: 'num' }, fmtBp(pr.share_of_world_bp)),
      h('td', { class: 'num ' + signClass(pr.row.growth_bp) }, fmtBp(pr.row.growth_bp, true))));
    root.append(card(null, null, tableWrap(t('nav_partners'), table({ 'data-table': 'partners' }, [
      { label: t('col_rank'), num: true }, { label: t('col_partner') }, { label: t('col_value'), num: true },
      { label: t('col_share_world'), num: true }, { label: t('col_growth'), num: true }], rows))));
  }

  // Sectors and crossings ---------------------------------------------------------------

  async function loadReport(page) {
    const ov = await defaultOverview();
    const p = state.params[page];
    const year = p.year || ov.year;
    const group = page === 'sectors' ? 'sector' : 'crossing';
    const data = await cached('/api/v1/trade/report' + query({
      reporter: ov.reporter, partner: ov.partner, by: 'solar-year', from: year, to: year, group, flow: p.flow,
    }));
    return { ov, year, data, page };
  }

  function renderReport({ ov, year, data, page }) {
    const p = state.params[page];
    $(`#${page}-sub`).textContent = t('se_sub', { pair: pairText(ov), flow: flowName(p.flow), year: fmtYear(year) });
    $(`#${page}-controls`).replaceChildren(
      select(page + '-year', t('year'), yearOptions(ov.year), year, (v) => {
        state.params[page].year = Number(v);
        showPage(page);
      }),
      select(page + '-flow', t('flow'), flowOptions(), p.flow, (v) => {
        state.params[page].flow = v;
        showPage(page);
      }));
    const root = $(`#${page}-content`);
    root.replaceChildren();
    const rows = Array.isArray(data.rows) ? data.rows.slice() : [];
    const title = t(page + '_chart');
    const totals = Array.isArray(data.totals) ? data.totals : [];
    const total = totals.length === 1 ? totals[0] : null;
    const chartBox = h('div', { class: 'chart-box' });
    const unplaced = data.unplaced && Number(data.unplaced.figures) > 0
      ? h('p', { class: 'note-text' }, t('unplaced', {
        n: fmtInt(data.unplaced.figures), value: usd(data.unplaced.value_usd_cents),
      }))
      : null;
    root.append(card(title, total ? t('total') + ': ' + usd(total.value_usd_cents) : null,
      rows.length ? chartBox : empty(t('no_data')), unplaced));
    if (!rows.length) return;
    const multi = new Set(rows.map((r) => r.period)).size > 1;
    const label = (r) => groupName(r) + (multi ? ' · ' + periodLabel(r) : '');
    chartBox.append(horizontalBars(page, chartBox, {
      label: title,
      rows: rows.map((r) => ({
        label: label(r), value: Number(r.value_usd_cents) || 0, raw: r.value_usd_cents,
        cls: r.group === 'unknown' || r.group === 'unclassified' ? 'bar-muted' : 'bar-a',
        text: usdShort(r.value_usd_cents) + (r.share_bp != null ? ' · ' + fmtBp(r.share_bp) : ''),
        title: label(r) + ' — ' + usd(r.value_usd_cents),
      })),
    }));
    const body = rows.map((r) => h('tr', null,
      h('td', null, label(r)),
      h('td', { class: 'num' }, usd(r.value_usd_cents)),
      h('td', { class: 'num' }, fmtBp(r.share_bp)),
      h('td', { class: 'num' }, usd(r.previous_year_usd_cents)),
      h('td', { class: 'num ' + signClass(r.growth_bp) }, fmtBp(r.growth_bp, true)),
      h('td', null, r.source || '—')));
    root.append(card(null, null, tableWrap(title, table({ 'data-table': page }, [
      { label: t(page === 'sectors' ? 'col_sector' : 'col_crossing') }, { label: t('col_value'), num: true },
      { label: t('col_share'), num: true }, { label: t('col_prev'), num: true }, { label: t('col_growth'), num: true },
      { label: t('col_source') }], body))));
  }

  // Settlement -------------------------------------------------------------------------

  async function loadSettlement() {
    return { data: await cached('/api/v1/dashboard/settlement') };
  }

  function renderSettlement({ data }) {
    $('#settlement-sub').textContent = t('st_sub');
    const root = $('#settlement-content');
    root.replaceChildren();
    const pools = Array.isArray(data.pools) ? data.pools : [];
    const pending = Array.isArray(data.pending) ? data.pending : [];
    const runs = Array.isArray(data.runs) ? data.runs : [];

    // Runs: one chart for one currency (amounts of different currencies share no axis).
    const currencies = [];
    for (const run of runs) for (const c of run.currencies || []) if (!currencies.includes(c.currency)) currencies.push(c.currency);
    let currency = state.params.settlement.currency;
    if (!currencies.includes(currency)) currency = currencies[0] || null;
    $('#settlement-controls').replaceChildren();
    const currencyControl = currencies.length > 1
      ? h('div', { class: 'controls card-controls' },
        select('settlement-currency', t('currency'), currencies.map((c) => ({ value: c, label: c })), currency, (v) => {
          state.params.settlement.currency = v;
          showPage('settlement');
        }))
      : null;

    const runsBox = h('div', { class: 'chart-box' });
    const runsCard = card(t('runs_title'), t('runs_desc') + (currency ? ' · ' + currency : ''),
      runs.length ? [currencyControl, legend([
        { cls: 'bar-debt', label: t('col_debt') }, { cls: 'bar-discharged', label: t('col_discharged') },
        { cls: 'bar-cash', label: t('col_cash') }]), runsBox] : empty(t('no_runs')));
    root.append(runsCard);
    if (runs.length) {
      const chronological = runs.slice().reverse();
      let exponent = 2;
      const slots = chronological.map((run) => {
        const c = (run.currencies || []).find((x) => x.currency === currency);
        if (c) exponent = c.exponent;
        const when = parseInstant(run.created_at);
        const label = when ? gregorianText(when.toISOString().slice(0, 10)) : ltr(run.id);
        const bar = (field, cls, name) => (c ? {
          value: Number(c[field]) || 0, raw: c[field], cls,
          title: `${run.id} · ${name}: ${money(c[field], c.exponent, c.currency)}`,
        } : null);
        return {
          label,
          sub: String(run.id).replace(/^run-/, '').slice(0, 8),
          note: c && c.saved_bp != null ? t('saved_note', { pct: fmtBp(c.saved_bp) }) : null,
          bars: [bar('debt', 'bar-debt', t('col_debt')), bar('discharged', 'bar-discharged', t('col_discharged')),
            bar('cash_moved', 'bar-cash', t('col_cash'))],
        };
      });
      runsBox.append(groupedBars('runs', runsBox, {
        slots, series: ['debt', 'discharged', 'cash'], exponent, notes: true, height: 200,
        label: t('runs_chart') + (currency ? ' — ' + currency : ''),
      }));
      const body = [];
      for (const run of runs) {
        const list = run.currencies && run.currencies.length ? run.currencies : [null];
        list.forEach((c, i) => body.push(h('tr', null,
          i === 0 ? h('td', { rowspan: list.length }, fmtInstant(run.created_at, true),
            h('div', { class: 'code' }, h('bdi', null, run.id))) : null,
          i === 0 ? h('td', { rowspan: list.length }, methodName(run.method)) : null,
          i === 0 ? h('td', { rowspan: list.length, class: 'num' }, fmtInt(run.parties)) : null,
          i === 0 ? h('td', { rowspan: list.length, class: 'num' }, fmtInt(run.obligations)) : null,
          i === 0 ? h('td', { rowspan: list.length }, run.posted ? t('yes') : t('no')) : null,
          h('td', null, c ? c.currency : '—'),
          h('td', { class: 'num' }, c ? fmtMinor(c.debt, c.exponent) : '—'),
          h('td', { class: 'num' }, c ? fmtMinor(c.discharged, c.exponent) : '—'),
          h('td', { class: 'num' }, c ? fmtMinor(c.cash_moved, c.exponent) : '—'),
          h('td', { class: 'num' }, c ? fmtMinor(c.cash_cross_border, c.exponent) : '—'),
          h('td', { class: 'num' }, c ? fmtBp(c.saved_bp) : '—'))));
      }
      runsCard.append(tableWrap(t('runs_title'), table({ 'data-table': 'runs' }, [
        { label: t('col_created') }, { label: t('col_method') }, { label: t('col_parties'), num: true },
        { label: t('col_obligations'), num: true }, { label: t('col_posted') }, { label: t('col_currency') },
        { label: t('col_debt'), num: true }, { label: t('col_discharged'), num: true }, { label: t('col_cash'), num: true },
        { label: t('col_cross'), num: true }, { label: t('col_saved'), num: true }], body)));
    }

    // Pools.
    const poolsBox = h('div', { class: 'chart-box' });
    const poolRun = pools.length && pools[0].run ? t('pools_desc', { run: ltr(pools[0].run) }) : null;
    const poolRows = pools.map((p) => {
      const amount = toBig(p.amount);
      const paid = toBig(p.paid);
      const paidBp = amount && amount > 0n && paid !== null ? ((paid * 10000n) / amount).toString() : null;
      return h('tr', null,
        h('td', null, p.pool_name || p.pool, h('div', { class: 'code' }, h('bdi', null, p.pool))),
        h('td', null, h('bdi', null, p.owner || '—')),
        h('td', null, p.currency),
        h('td', { class: 'num' }, fmtMinor(p.amount, p.exponent)),
        h('td', { class: 'num' }, fmtMinor(p.paid, p.exponent)),
        h('td', { class: 'num' }, fmtMinor(p.left, p.exponent)),
        h('td', null, meter(paidBp)),
        h('td', { class: 'num' }, money(p.charged, p.charge_exponent, p.charge_currency)),
        h('td', { class: 'num' }, fmtMinor(p.unpaid_eligible, p.exponent)));
    });
    root.append(card(t('pools_title'), poolRun, pools.length ? [
      legend([{ cls: 'bar-paid', label: t('legend_paid') }, { cls: 'bar-left', label: t('legend_left') }]),
      poolsBox,
      tableWrap(t('pools_title'), table({ 'data-table': 'pools' }, [
        { label: t('col_pool') }, { label: t('col_owner') }, { label: t('col_currency') },
        { label: t('col_amount'), num: true }, { label: t('col_paid'), num: true }, { label: t('col_left'), num: true },
        { label: t('col_progress') }, { label: t('col_charged'), num: true }, { label: t('col_unpaid'), num: true }], poolRows)),
    ] : empty(t('no_pools'))));
    if (pools.length) {
      poolsBox.append(horizontalBars('pools', poolsBox, {
        label: t('pools_chart'),
        rows: pools.map((p) => {
          const amount = toBig(p.amount);
          const paid = toBig(p.paid);
          const share = amount && amount > 0n && paid !== null ? ((paid * 10000n) / amount).toString() : null;
          return {
            label: p.pool_name || p.pool,
            parts: [
              { value: Number(p.paid) || 0, raw: p.paid, cls: 'bar-paid', title: t('col_paid') + ': ' + money(p.paid, p.exponent, p.currency) },
              { value: Number(p.left) || 0, raw: p.left, cls: 'bar-left', title: t('col_left') + ': ' + money(p.left, p.exponent, p.currency) },
            ],
            text: moneyShort(p.amount, p.exponent, p.currency) + (share ? ' · ' + fmtBp(share) : ''),
          };
        }),
      }));
    }

    // Pending reservations.
    const pendingRows = pending.map((p) => h('tr', null,
      h('td', null, h('span', { class: 'code', title: p.id }, h('bdi', null, shortId(p.id)))),
      h('td', null, h('bdi', null, p.debit_party || p.debit_account_id)),
      h('td', null, h('bdi', null, p.credit_party || p.credit_account_id)),
      h('td', { class: 'num' }, money(p.amount_minor, p.exponent, p.currency)),
      h('td', { class: 'num' }, p.timeout == null ? '—' : Number(p.timeout) === 0 ? t('no_timeout') : t('seconds', { n: fmtInt(p.timeout) })),
      h('td', null, fmtInstant(p.timestamp, true))));
    root.append(card(t('pending_title'), t('pending_desc'), pending.length
      ? tableWrap(t('pending_title'), table({ 'data-table': 'pending' }, [
        { label: t('col_id') }, { label: t('col_debit') }, { label: t('col_credit') }, { label: t('col_amount'), num: true },
        { label: t('col_timeout'), num: true }, { label: t('col_time') }], pendingRows))
      : empty(t('no_pending'))));
  }

  function shortId(id) {
    const s2 = String(id || '');
    return s2.length > 14 ? s2.slice(0, 6) + '…' + s2.slice(-6) : s2;
  }
  function meter(bp) {
    const pct = bp == null ? 0 : Math.max(0, Math.min(100, Number(bp) / 100));
    return h('div', { class: 'meter', title: fmtBp(bp) },
      h('div', { class: 'meter-track', 'aria-hidden': 'true' }, h('div', { class: 'meter-fill', style: { inlineSize: pct + '%' } })),
      h('span', { class: 'meter-text' }, fmtBp(bp)));
  }

  // Accounts ---------------------------------------------------------------------------

  async function loadAccounts() {
    return { data: await cached('/api/v1/dashboard/accounts') };
  }

  function renderAccounts({ data }) {
    const accounts = Array.isArray(data.accounts) ? data.accounts : [];
    const who = state.who || {};
    const partyName = accounts.length && accounts[0].party_name ? accounts[0].party_name : who.party;
    $('#accounts-sub').textContent = who.role === 'participant'
      ? t('ac_sub_party', { party: partyName || '—' }) : t('ac_sub_all');
    const root = $('#accounts-content');
    const input = h('input', {
      id: 'accounts-filter', type: 'search', value: state.params.accounts.filter, placeholder: t('filter_ph'),
      autocomplete: 'off', spellcheck: 'false',
    });
    const controls = h('div', { class: 'control' }, h('label', { for: 'accounts-filter' }, t('filter')), input);
    $('#accounts-controls').replaceChildren(...(accounts.length > 5 ? [controls] : []));
    const body = h('tbody');
    const status = h('p', { class: 'card-desc', 'aria-live': 'polite' });
    const tbl = h('table', { class: 'table', 'data-table': 'accounts' },
      h('thead', null, h('tr', null, [
        [t('col_party')], [t('col_currency')], [t('col_code'), true], [t('col_id')], [t('col_debits'), true],
        [t('col_credits'), true], [t('col_dpend'), true], [t('col_cpend'), true], [t('col_balance'), true],
      ].map(([label, isNum]) => h('th', { scope: 'col', class: isNum ? 'num' : null }, label)))),
      body);
    const fill = () => {
      const f = state.params.accounts.filter.trim().toLowerCase();
      const match = (a) => !f || [a.party, a.party_name, a.currency, a.id].some((v) => v && String(v).toLowerCase().includes(f));
      const list = accounts.filter(match);
      const shown = list.slice(0, ACCOUNTS_SHOWN);
      body.replaceChildren(...shown.map((a) => h('tr', { 'data-party': a.party || '' },
        h('td', null, a.party_name || a.party || '—', a.party ? h('div', { class: 'code' }, h('bdi', null, a.party)) : null),
        h('td', null, a.currency || '—'),
        h('td', { class: 'num' }, fmtInt(a.code)),
        h('td', null, h('span', { class: 'code', title: a.id }, h('bdi', null, shortId(a.id)))),
        h('td', { class: 'num' }, fmtMinor(a.debits_posted, a.exponent)),
        h('td', { class: 'num' }, fmtMinor(a.credits_posted, a.exponent)),
        h('td', { class: 'num' }, fmtMinor(a.debits_pending, a.exponent)),
        h('td', { class: 'num' }, fmtMinor(a.credits_pending, a.exponent)),
        h('td', { class: 'num ' + (String(a.balance_minor).startsWith('-') ? 'down' : '') },
          fmtMinor(a.balance_minor, a.exponent)))));
      status.textContent = t('shown', { n: fmtInt(shown.length), total: fmtInt(accounts.length) });
    };
    input.addEventListener('input', () => { state.params.accounts.filter = input.value; fill(); });
    fill();
    root.replaceChildren(card(null, null, accounts.length ? [status, tableWrap(t('nav_accounts'), tbl)] : [empty(t('no_accounts')), tbl]));
  }

  const PAGE_IMPL = {
    overview: { load: loadOverview, render: renderOverview },
    partners: { load: loadPartners, render: renderPartners },
    sectors: { load: () => loadReport('sectors'), render: renderReport },
    crossings: { load: () => loadReport('crossings'), render: renderReport },
    settlement: { load: loadSettlement, render: renderSettlement },
    accounts: { load: loadAccounts, render: renderAccounts },
  };

  // ---------------------------------------------------------------------------------
  // Routing

  const allowedPages = () => (state.who ? ROLE_PAGES[state.who.role] || [] : []);

  function showSection(name) {
    for (const sec of $$('section[data-page]')) sec.hidden = sec.dataset.page !== name;
  }

  function renderNav() {
    const list = $('#nav-list');
    list.replaceChildren(...allowedPages().map((p) => h('li', null,
      h('a', { href: '#' + p, 'data-nav': p, 'aria-current': p === state.page ? 'page' : null }, t('nav_' + p)))));
    $('#nav').hidden = !state.who;
  }

  async function showPage(page, opts = {}) {
    const seq = ++state.seq;
    state.page = page;
    showSection(page);
    renderNav();
    document.title = t('nav_' + page) + ' · Corridor';
    const sec = $(`section[data-page="${page}"]`);
    const content = $('.content', sec);
    if (opts.focus) {
      const heading = $('h1', sec);
      if (heading) heading.focus({ preventScroll: false });
    }
    sec.setAttribute('aria-busy', 'true');
    if (!content.hasChildNodes() || opts.reload) {
      content.replaceChildren(h('p', { class: 'loading' }, t('loading')));
    }
    try {
      const data = await PAGE_IMPL[page].load();
      if (seq !== state.seq) return;
      PAGE_IMPL[page].render(data);
      if (!opts.keepAlert) clearAlert();
    } catch (err) {
      if (seq !== state.seq) return;
      content.replaceChildren(h('p', { class: 'empty' }, err && err.message ? err.message : String(err)));
      handleError(err);
    } finally {
      if (seq === state.seq) sec.removeAttribute('aria-busy');
    }
  }

  function route(opts = {}) {
    if (!state.who) {
      state.page = null;
      state.seq++;
      showSection('signin');
      renderNav();
      document.title = t('signin_title') + ' · Corridor';
      return;
    }
    const allowed = allowedPages();
    let page = decodeURIComponent(location.hash.replace(/^#/, ''));
    if (!page) page = allowed[0];
    if (!PAGES.includes(page)) page = allowed[0];
    if (!allowed.includes(page)) {
      state.seq++;
      state.page = null;
      showSection(null);
      renderNav();
      showAlert(t('not_allowed', { page: t('nav_' + page), role: roleName(state.who.role) }));
      return;
    }
    if (page !== state.page) clearAlert();
    showPage(page, opts);
  }

  // ---------------------------------------------------------------------------------
  // Sign-in

  function renderWho() {
    const who = $('#who');
    const out = $('#signout');
    if (state.who) {
      who.replaceChildren(...[h('span', { class: 'role' }, roleName(state.who.role)),
        state.who.party ? h('bdi', { class: 'party' }, state.who.party) : null].filter(Boolean));
      who.title = t('signed_in_as', { role: roleName(state.who.role) });
      who.hidden = false;
      out.hidden = false;
    } else {
      who.hidden = true;
      out.hidden = true;
    }
  }

  async function signIn(token) {
    const who = await api('/api/v1/whoami', token);
    if (!who || !who.role) throw new ApiError(200, 'bad_answer', t('bad_answer'));
    state.token = token;
    state.who = who;
    state.cache.clear();
    storageSet('sessionStorage', TOKEN_KEY, token);
    renderWho();
  }

  function signOut(reroute = true) {
    state.token = null;
    state.who = null;
    state.cache.clear();
    state.latest.partners = null;
    for (const p of PAGES) {
      const c = $(`#${p}-content`);
      if (c) c.replaceChildren();
    }
    storageSet('sessionStorage', TOKEN_KEY, null);
    renderWho();
    if (reroute) {
      clearAlert();
      route();
      const input = $('#token');
      if (input) input.focus();
    } else {
      route();
    }
  }

  async function onSubmit(ev) {
    ev.preventDefault();
    const input = $('#token');
    const button = $('#signin');
    const token = input.value.trim();
    if (!token) {
      showAlert(t('token_missing'));
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = t('signing_in');
    try {
      await signIn(token);
      input.value = '';
      clearAlert();
      const allowed = allowedPages();
      const wanted = location.hash.replace(/^#/, '');
      if (!allowed.includes(wanted)) {
        history.replaceState(null, '', '#' + allowed[0]);
      }
      route({ focus: true });
    } catch (err) {
      showAlert(err && err.message ? err.message : String(err));
      input.focus();
    } finally {
      button.disabled = false;
      button.textContent = t('signin');
    }
  }

  // ---------------------------------------------------------------------------------
  // Language

  function applyLang(lang, rerender) {
    state.lang = LANGS.includes(lang) ? lang : 'en';
    const root = document.documentElement;
    root.lang = state.lang;
    root.dir = rtl() ? 'rtl' : 'ltr';
    $('#lang').value = state.lang;
    for (const node of $$('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const node of $$('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
    renderWho();
    if (rerender) {
      if (state.page) showPage(state.page, { keepAlert: true });
      else route();
    }
  }

  // ---------------------------------------------------------------------------------
  // Start

  async function start() {
    const stored = storageGet('localStorage', LANG_KEY);
    const browser = (navigator.language || 'en').slice(0, 2);
    applyLang(stored || (LANGS.includes(browser) ? browser : 'en'), false);

    $('#lang').addEventListener('change', (ev) => {
      storageSet('localStorage', LANG_KEY, ev.target.value);
      applyLang(ev.target.value, true);
    });
    $('#signin-form').addEventListener('submit', onSubmit);
    $('#signout').addEventListener('click', () => {
      signOut(true);
    });
    // The skip link moves focus without touching the hash (the hash is the route).
    $('.skip-link').addEventListener('click', (ev) => {
      ev.preventDefault();
      const main = $('#main');
      main.focus();
      main.scrollIntoView();
    });
    window.addEventListener('hashchange', () => route({ focus: true }));
    let timer = null;
    window.addEventListener('resize', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const w = document.documentElement.clientWidth;
        if (w !== state.width && state.page) {
          state.width = w;
          showPage(state.page, { keepAlert: true });
        }
      }, 150);
    });
    state.width = document.documentElement.clientWidth;

    const token = storageGet('sessionStorage', TOKEN_KEY);
    if (token) {
      try {
        await signIn(token);
      } catch (err) {
        storageSet('sessionStorage', TOKEN_KEY, null);
        state.token = null;
        state.who = null;
        if (!(err instanceof ApiError && err.status === 401)) showAlert(err.message);
      }
    }
    route();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
