# actbench figure "Claim 3: Sigmoid's gradient shrinks by 4x per layer; ReLU's does not": 2 panels
#   panel 1: "first-to-last ratio of bias gradients against depth"
#   panel 2: "gradient norm by layer, depth 10, at initialisation"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/03-sigmoid-vanishing-gradient.gp
# (writes plots/03-sigmoid-vanishing-gradient.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/03-sigmoid-vanishing-gradient.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "sigmoid, init=xavier"
$d1 << EOD
2 0.243167796 0.215049087 0.278226475
4 0.0116069076 0.00946610239 0.0134773146
6 0.000684235632 0.000612171599 0.000758072701
8 4.08105461e-05 2.74366615e-05 5.74750609e-05
10 2.41453584e-06 1.87805458e-06 3.53046415e-06
EOD
# panel 1, "0.25^n (sigmoid's bound)"
$d2 << EOD
2 0.25
4 0.015625
6 0.0009765625
8 6.10351562e-05
10 3.81469727e-06
EOD
# panel 1, "relu, init=xavier"
$d3 << EOD
2 0.894449931 0.786996699 0.98664529
4 0.544097118 0.360876301 0.915218264
6 0.314090816 0.206997706 0.45818609
8 0.218300667 0.167781759 0.322432689
10 0.0896404592 0.0623050666 0.167641952
EOD
# panel 1, "sigmoid, init=he"
$d4 << EOD
2 0.271875202 0.230120754 0.314664528
4 0.0236430968 0.0185750555 0.0267098643
6 0.00255704881 0.00210908529 0.00328222109
8 0.000276655896 0.000177817939 0.000396246413
10 2.98489126e-05 2.37453214e-05 4.69408994e-05
EOD
# panel 1, "relu, init=he"
$d5 << EOD
2 0.936331098 0.843213921 1.02245775
4 0.918406996 0.546709776 1.56187117
6 0.73720342 0.66878178 0.835173109
8 0.864336426 0.447796619 1.52169641
10 0.667041071 0.416211629 1.22246827
EOD
# panel 2, "sigmoid, init=xavier"
$d6 << EOD
1 1.74307266e-07 1.21170355e-07 2.42912924e-07
2 6.85586648e-07 5.68959619e-07 8.54511183e-07
3 2.82968132e-06 2.24155893e-06 3.2814316e-06
4 1.21428471e-05 9.30134427e-06 1.43035347e-05
5 5.37499723e-05 3.84192911e-05 6.56466299e-05
6 0.00023782378 0.000155024565 0.000305142621
7 0.000968118247 0.000555626078 0.0012211024
8 0.00414771186 0.0021722244 0.00511299572
9 0.0183277224 0.0105079532 0.0229135689
10 0.0751817503 0.0434775457 0.103059202
EOD
# panel 2, "0.25^n (sigmoid's bound)"
$d7 << EOD
1 2.86795617e-07
2 1.14718247e-06
3 4.58872987e-06
4 1.83549195e-05
5 7.3419678e-05
6 0.000293678712
7 0.00117471485
8 0.00469885939
9 0.0187954376
10 0.0751817503
EOD
# panel 2, "relu, init=xavier"
$d8 << EOD
1 0.00467513856 0.0037630768 0.00552326707
2 0.00695651726 0.00535768722 0.00962086842
3 0.00970549108 0.00729465482 0.0140544424
4 0.0137706122 0.0102608887 0.0182232572
5 0.0191876106 0.0141430376 0.0234518613
6 0.027706525 0.0228680219 0.0311130145
7 0.0386846824 0.0323413679 0.0460040405
8 0.0458209271 0.0352968758 0.0544365777
9 0.0542398206 0.0444034741 0.0646612074
10 0.0581167765 0.0302185452 0.0717828431
EOD
# panel 2, "sigmoid, init=he"
$d9 << EOD
1 2.22249841e-06 1.54433725e-06 2.85259433e-06
2 7.65382809e-06 6.19745769e-06 8.88442428e-06
3 2.38901291e-05 2.14388617e-05 2.60940804e-05
4 7.61317872e-05 5.98153938e-05 8.73952575e-05
5 0.000252340809 0.000217916431 0.000303313793
6 0.000827158279 0.000611590443 0.00109200369
7 0.00247113628 0.00164749854 0.00298112446
8 0.00776945254 0.00460710374 0.00977676919
9 0.0257041084 0.0164919924 0.034044141
10 0.0781987821 0.0503969671 0.110364069
EOD
# panel 2, "relu, init=he"
$d10 << EOD
1 0.177766755 0.121618151 0.210727262
2 0.196601413 0.131194037 0.241807132
3 0.208541481 0.167790066 0.233523124
4 0.216822673 0.171711024 0.255556782
5 0.212597416 0.176520421 0.276243563
6 0.232983192 0.19835838 0.305682671
7 0.253059069 0.182777565 0.3481315
8 0.238259405 0.163794595 0.336838953
9 0.251585682 0.161080234 0.338447842
10 0.309001085 0.156053478 0.506298353
EOD

if (!exists("fmt")) fmt = "png"
if (words(fmt) == 0) {
    print "fmt: empty (give png, pdf or svg)"
    exit status 1
}
do for [ext in fmt] {
if (ext eq "png") {
    set terminal pngcairo size 1280,520 enhanced font "sans,10"
} else { if (ext eq "pdf") {
    set terminal pdfcairo size 13.33in,5.42in enhanced font "sans,10" fontscale 0.75 linewidth 2
} else { if (ext eq "svg") {
    set terminal svg size 1280,520 dynamic enhanced font "sans,10"
} else {
    print "fmt: '".ext."' is not png, pdf or svg"
    exit status 1
}}}
set output 'plots/03-sigmoid-vanishing-gradient.'.ext
set multiplot layout 1,2 title "Claim 3: Sigmoid's gradient shrinks by 4x per layer; ReLU's does not" noenhanced font ",12"

# ---- panel 1: "first-to-last ratio of bias gradients against depth"
set title "first-to-last ratio of bias gradients against depth" noenhanced
set xlabel "depth (hidden layers)" noenhanced
set ylabel "gradient ratio, layer 1 / layer depth" noenhanced
set grid
unset label
set bmargin 7.10
set xtics 1
set format x "%.0f"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 3 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#2ca02c" notitle, \
     $d5 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#d62728" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid, init=xavier" noenhanced, \
     $d2 using 1:2 with lines lc rgb "#7f7f7f" lw 1.5 dt 2 title "0.25^n (sigmoid's bound)" noenhanced, \
     $d3 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu, init=xavier" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid, init=he" noenhanced, \
     $d5 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "relu, init=he" noenhanced

# ---- panel 2: "gradient norm by layer, depth 10, at initialisation"
set title "gradient norm by layer, depth 10, at initialisation" noenhanced
set xlabel "layer (1 = next to the input)" noenhanced
set ylabel "||dL/db||" noenhanced
set grid
unset label
set bmargin 7.10
set xtics 1
set format x "%.0f"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 3 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d6 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d8 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d9 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#2ca02c" notitle, \
     $d10 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#d62728" notitle, \
     $d6 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid, init=xavier" noenhanced, \
     $d7 using 1:2 with lines lc rgb "#7f7f7f" lw 1.5 dt 2 title "0.25^n (sigmoid's bound)" noenhanced, \
     $d8 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "relu, init=xavier" noenhanced, \
     $d9 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid, init=he" noenhanced, \
     $d10 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "relu, init=he" noenhanced

unset multiplot
unset output
}
